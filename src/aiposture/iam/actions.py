"""The IAM action of a botocore operation, and the error codes of an IAM denial.

An IAM action is ``<IAM prefix>:<operation name>``. The prefix is the service's IAM
namespace (Service Authorization Reference), which is not always botocore's service name:
botocore's ``bedrock-agentcore-control`` is IAM's ``bedrock-agentcore``.
"""

from __future__ import annotations

IAM_PREFIX_BY_SERVICE: dict[str, str] = {
    "cloudtrail": "cloudtrail",
    "cloudwatch": "cloudwatch",
    "logs": "logs",
    "bedrock": "bedrock",
    "bedrock-agent": "bedrock",
    "bedrock-data-automation": "bedrock",
    "bedrock-agentcore-control": "bedrock-agentcore",
    "ec2": "ec2",
    "organizations": "organizations",
    "sts": "sts",
    "sns": "sns",
    "s3": "s3",
    "guardduty": "guardduty",
    "iam": "iam",
    "xray": "xray",
}
"""botocore service name -> IAM action prefix, for every service aiposture may read."""

NO_PERMISSION_REQUIRED: frozenset[str] = frozenset({"sts:GetCallerIdentity"})
"""IAM actions every identity may perform whatever its policies say.

STS API reference, GetCallerIdentity
(https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html): "No
permissions are required to perform this operation. If an administrator attaches a policy
to your identity that explicitly denies access to the sts:GetCallerIdentity action, you can
still perform this operation." (The same note is in the installed botocore's STS model.)
"""

ACCESS_DENIED_CODES: frozenset[str] = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
)
"""Error codes with which AWS reports that IAM did not allow the call.

``AccessDeniedException`` (JSON, REST-JSON and RPC-v2-CBOR services: CloudTrail, CloudWatch
Logs, Organizations, GuardDuty and Bedrock each list it in their botocore model),
``AccessDenied`` (Query-protocol services such as STS, and CloudWatch, whose botocore model
is ``awsQueryCompatible`` and keeps its Query error codes), ``UnauthorizedOperation`` (EC2,
"Common client error codes" in the EC2 API reference) and ``AuthorizationError`` (SNS, the
code of ``AuthorizationErrorException`` in its botocore model). A denied dependency (a KMS
key, ``AccessDeniedForDependencyException``) is not an IAM denial of the action itself.
"""


IAM_ACTION_BY_OPERATION: dict[tuple[str, str], str] = {
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
}
"""Operations whose IAM action is not named after them. Service Authorization Reference,
Amazon S3 (list_amazons3.html): GetBucketEncryption is authorized by
``s3:GetEncryptionConfiguration`` (the S3 API Reference's GetBucketEncryption page says the
same: "you must have the s3:GetEncryptionConfiguration permission")."""


def iam_action(service: str, operation: str) -> str:
    """Map one botocore (service, operation) to its IAM action, e.g. ``logs:DescribeLogGroups``."""
    if (service, operation) in IAM_ACTION_BY_OPERATION:
        return IAM_ACTION_BY_OPERATION[(service, operation)]
    try:
        prefix = IAM_PREFIX_BY_SERVICE[service]
    except KeyError:
        raise ValueError(f"no IAM prefix known for botocore service '{service}'") from None
    return f"{prefix}:{operation}"


def is_access_denied(error_code: str) -> bool:
    """Tell whether ``error_code`` is IAM refusing the call (see :data:`ACCESS_DENIED_CODES`)."""
    return error_code in ACCESS_DENIED_CODES
