"""``aiposture remediate``: an account-specific fix plan, verified before anyone applies it.

The plan (:mod:`.plan`) is built from a snapshot and its results (:mod:`.build`), played
on the snapshot to prove it (:mod:`.apply`), and printed as a shell script of AWS CLI
calls, CloudFormation, Terraform and Markdown. aiposture never applies anything itself.
"""
