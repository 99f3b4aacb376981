"""IAM facts aiposture relies on: pure data and functions, no AWS call.

- :mod:`aiposture.iam.actions`: the IAM action of a botocore operation, and which error
  codes mean "IAM denied the call".
- :mod:`aiposture.iam.managed_policies`: which of aiposture's IAM actions the AWS managed
  policies SecurityAudit, ReadOnlyAccess and ViewOnlyAccess grant.
- :mod:`aiposture.iam.denials`: the hint an ERROR gives when a read was denied.

This package imports nothing else from aiposture, so the collectors (which generate the
IAM policy), the rules (which explain an AccessDenied) and the CLI share one source.
"""
