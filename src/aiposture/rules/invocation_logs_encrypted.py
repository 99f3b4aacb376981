"""Rule kind ``invocation_logs_encrypted``: model invocation logs are encrypted with KMS.

Prompts and responses are the most sensitive data an AI workload writes. The CloudWatch
Logs destination must be a log group with a KMS key (``kmsKeyId``; CloudWatch Logs User
Guide, "Encrypt log data in CloudWatch Logs using AWS KMS"), and the S3 destination a bucket
whose default encryption is SSE-KMS (S3 GetBucketEncryption), read with the scanned account
as ``ExpectedBucketOwner``: a bucket another account owns cannot be vouched for (ERROR).
"""

from __future__ import annotations

from aiposture.results import Status
from aiposture.rules.base import (
    NoParams,
    Outcome,
    RuleContext,
    RuleKind,
    describe_error,
    errors_for,
)
from aiposture.rules.model_invocation_logging import bedrock_not_offered


def invocation_logs_encrypted(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """One outcome per region where model invocation logging is on."""
    not_offered = bedrock_not_offered(ctx)
    if not_offered is not None:
        return [Outcome(Status.NOT_APPLICABLE, f"Bedrock is not offered: {not_offered}.")]
    reg = ctx.region_snapshot
    logging = reg.invocation_logging if reg else None
    if reg is None or logging is None:
        errs = errors_for(reg.errors if reg else [], "GetModelInvocationLoggingConfiguration")
        why = describe_error(errs[0]) if errs else "the configuration was not read"
        return [Outcome(Status.ERROR, f"Cannot read model invocation logging: {why}")]
    if not logging.enabled:
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"Model invocation logging is off in {ctx.region}: no log to encrypt "
                "(bedrock-invocation-logging judges that).",
            )
        ]
    problems: list[str] = []
    unknown: list[str] = []
    fine: list[str] = []
    group = logging.cloudwatch_log_group
    if group:
        found = next((g for g in reg.log_groups if g.name == group), None)
        errs = errors_for(reg.errors, "DescribeLogGroups", group)
        if found is None and errs:
            unknown.append(f"log group {group}: {describe_error(errs[0])}")
        elif found is None:
            problems.append(f"its log group {group} does not exist")
        elif not found.kms_key_id:
            problems.append(f"log group {group} has no KMS key")
        else:
            fine.append(f"log group {group} with KMS key {found.kms_key_id}")
    bucket = (logging.config.get("s3Config") or {}).get("bucketName")
    if bucket:
        enc = reg.invocation_bucket_encryption
        if enc is None or enc.bucket != bucket:
            errs = errors_for(reg.errors, "GetBucketEncryption", str(bucket))
            why = describe_error(errs[0]) if errs else "its encryption was not read"
            unknown.append(
                f"S3 bucket {bucket} (owned by this account? read with ExpectedBucketOwner): {why}"
            )
        elif not enc.kms:
            algo = enc.algorithm or "no default encryption"
            problems.append(f"S3 bucket {bucket} is not SSE-KMS ({algo})")
        else:
            fine.append(f"S3 bucket {bucket} with SSE-KMS")
    evidence = {"loggingConfig": logging.config}
    if problems:
        return [
            Outcome(
                Status.FAIL,
                f"Model invocation logs in {ctx.region} are not KMS-encrypted: "
                + "; ".join(problems)
                + ".",
                evidence=evidence,
            )
        ]
    if unknown:
        return [
            Outcome(
                Status.ERROR,
                "Cannot tell whether model invocation logs are encrypted: "
                + "; ".join(unknown)
                + ".",
                evidence=evidence,
            )
        ]
    return [
        Outcome(
            Status.PASS,
            f"Model invocation logs in {ctx.region} are KMS-encrypted: " + "; ".join(fine) + ".",
            evidence=evidence,
        )
    ]


INVOCATION_LOGS_ENCRYPTED = RuleKind(
    "invocation_logs_encrypted",
    invocation_logs_encrypted,
    NoParams,
    "account_region",
    "Model invocation logs go to a KMS-encrypted log group and an SSE-KMS bucket.",
    results="region",
)
