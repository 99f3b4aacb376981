"""The demo's Bedrock resources.

Guardrails, custom and imported models, an application inference profile, batch inference
jobs and Bedrock Data Automation projects, with the configuration the AI posture checks
judge (the collector reads it with GetGuardrail, GetCustomModel, GetImportedModel and
GetModelInvocationJob).

Written through plain boto3 calls: moto's own CreateModelCustomizationJob (which creates the
custom model) and the Create operations :mod:`aiposture.demo.moto_ext.bedrock_inventory`,
:mod:`aiposture.demo.moto_ext.bedrock_details` and
:mod:`aiposture.demo.moto_ext.bedrock_data_automation` add. Only the home region of three
accounts holds any:

- the **guide** account follows AWS best practice: two guardrails (in every demo region:
  the account logs model invocations everywhere, so Bedrock counts as in use), each with a
  ``PROMPT_ATTACK`` filter at input strength HIGH that blocks, PII entities blocked or
  anonymized, contextual grounding and relevance checks that block, a customer managed KMS
  key, and a numbered version (``1``) that its agents and flows name; a fine-tuned custom
  model and an imported model encrypted with its customer managed key; a batch inference
  job in its VPC writing encrypted output; an application inference profile and a Data
  Automation project;
- the **partial** account has realistic gaps: a guardrail whose ``PROMPT_ATTACK`` filter is
  LOW, and one whose filter only detects (input action ``NONE``) with no PII policy,
  neither with contextual grounding; a custom model, an imported model and a batch job
  with AWS owned keys only (and the job outside a VPC);
- the **placeholder** account has one guardrail (a hate filter only) and a Data Automation
  project.

The lab account, and every other region, have none (but the guide's guardrails). :func:`ai_key` is the customer managed
KMS key each account encrypts its AI resources with (created once, alias
:data:`AI_KEY_ALIAS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiposture.demo.writers import SeedAccount

BASE_MODEL = "amazon.titan-text-express-v1"
"""The foundation model the demo's custom model is fine-tuned from."""
CUSTOMIZATION_ROLE = "AiPostureDemoCustomizationRole"
"""The name of the (unwritten) service role the demo's customization job names."""
IMPORT_ROLE = "AiPostureDemoModelImportRole"
"""The service role the demo's model import jobs name."""
BATCH_ROLE = "AiPostureDemoBatchInferenceRole"
"""The service role the demo's batch inference jobs name."""
PROFILE_MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"
"""The foundation model the demo's application inference profile copies."""
AI_KEY_ALIAS = "alias/aiposture-demo-ai"
"""The alias of the customer managed key the demo's AI resources are encrypted with."""
GUIDE_GUARDRAILS = ("pii-filter", "topic-denylist")
"""The guide account's guardrails (home region)."""
GUIDE_GUARDRAIL_VERSION = "1"
"""The numbered version of each guide guardrail its agents and flows name."""
GUIDE_CUSTOM_MODEL = "claims-summarizer"
"""The guide account's custom model (home region)."""
GUIDE_IMPORTED_MODEL = "claims-llama"
"""The guide account's imported model (home region)."""
GUIDE_BATCH_JOB = "nightly-claims-batch"
"""The guide account's batch inference job (home region)."""
GUIDE_INFERENCE_PROFILE = "support-assistant-costs"
"""The guide account's application inference profile (home region)."""
GUIDE_PROJECTS = ("invoice-extraction",)
"""The guide account's Data Automation projects (home region)."""
PARTIAL_GUARDRAILS = ("ops-guardrail", "ops-detect-only")
"""The partial account's guardrails: prompt attacks filtered LOW; detected, never blocked."""
PARTIAL_CUSTOM_MODEL = "ops-summarizer"
"""The partial account's custom model (no customer managed key)."""
PARTIAL_IMPORTED_MODEL = "ops-mistral"
"""The partial account's imported model (no customer managed key)."""
PARTIAL_BATCH_JOB = "ops-weekly-batch"
"""The partial account's batch inference job (no VPC, no output key)."""
PLACEHOLDER_GUARDRAILS = ("hr-guardrail",)
"""The placeholder account's guardrails (home region)."""
PLACEHOLDER_PROJECTS = ("resume-parsing",)
"""The placeholder account's Data Automation projects (home region)."""

_MESSAGES = {
    "blockedInputMessaging": "Sorry, I cannot help with that.",
    "blockedOutputsMessaging": "Sorry, I cannot answer that.",
}
_HARM_FILTERS = [
    {"type": t, "inputStrength": "HIGH", "outputStrength": "HIGH"}
    for t in ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")
]
_PII = {
    "piiEntitiesConfig": [
        {"type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCK"},
        {"type": "CREDIT_DEBIT_CARD_NUMBER", "action": "BLOCK"},
        {"type": "EMAIL", "action": "ANONYMIZE"},
        {"type": "PHONE", "action": "ANONYMIZE"},
        {"type": "NAME", "action": "ANONYMIZE"},
    ]
}
_GROUNDING = {
    "filtersConfig": [
        {"type": "GROUNDING", "threshold": 0.75, "action": "BLOCK"},
        {"type": "RELEVANCE", "threshold": 0.75, "action": "BLOCK"},
    ]
}


def ai_key(acct: SeedAccount, region: str) -> str:
    """The ARN of the account's customer managed key for AI resources (created once)."""
    kms = acct.client("kms", region)
    try:
        return str(kms.describe_key(KeyId=AI_KEY_ALIAS)["KeyMetadata"]["Arn"])
    except kms.exceptions.NotFoundException:
        pass
    key = kms.create_key(Description="aiposture demo: Bedrock and AgentCore data")["KeyMetadata"]
    kms.create_alias(AliasName=AI_KEY_ALIAS, TargetKeyId=key["KeyId"])
    return str(key["Arn"])


def guardrail_id(acct: SeedAccount, region: str, name: str) -> str:
    """The id of the account's guardrail ``name`` (seeded by :func:`seed_bedrock_resources`)."""
    listed = acct.client("bedrock", region).list_guardrails()["guardrails"]
    return str(next(g["id"] for g in listed if g["name"] == name))


def _guardrail(acct: SeedAccount, region: str, name: str, **policies: Any) -> None:
    client = acct.client("bedrock", region)
    found = client.create_guardrail(name=name, **_MESSAGES, **policies)
    client.create_guardrail_version(guardrailIdentifier=found["guardrailId"])


def _guide_guardrails(acct: SeedAccount, region: str) -> None:
    prompt_attack = {
        "type": "PROMPT_ATTACK",
        "inputStrength": "HIGH",
        "outputStrength": "NONE",
        "inputAction": "BLOCK",
    }
    topics = {
        "topicsConfig": [
            {
                "name": "investment-advice",
                "definition": "Recommendations about buying or selling financial products.",
                "examples": ["Which stocks should I buy?"],
                "type": "DENY",
            }
        ]
    }
    for name in GUIDE_GUARDRAILS:
        extra = {"topicPolicyConfig": topics} if name == "topic-denylist" else {}
        _guardrail(
            acct,
            region,
            name,
            contentPolicyConfig={"filtersConfig": [*_HARM_FILTERS, prompt_attack]},
            sensitiveInformationPolicyConfig=_PII,
            contextualGroundingPolicyConfig=_GROUNDING,
            kmsKeyId=ai_key(acct, region),
            **extra,
        )


def _partial_guardrails(acct: SeedAccount, region: str) -> None:
    low, detect_only = PARTIAL_GUARDRAILS
    _guardrail(
        acct,
        region,
        low,
        contentPolicyConfig={
            "filtersConfig": [
                *_HARM_FILTERS,
                {"type": "PROMPT_ATTACK", "inputStrength": "LOW", "outputStrength": "NONE"},
            ]
        },
        sensitiveInformationPolicyConfig=_PII,
    )
    _guardrail(
        acct,
        region,
        detect_only,
        contentPolicyConfig={
            "filtersConfig": [
                {
                    "type": "PROMPT_ATTACK",
                    "inputStrength": "HIGH",
                    "outputStrength": "NONE",
                    "inputAction": "NONE",
                }
            ]
        },
    )


def _placeholder_guardrails(acct: SeedAccount, region: str) -> None:
    client = acct.client("bedrock", region)
    for name in PLACEHOLDER_GUARDRAILS:
        client.create_guardrail(
            name=name,
            **_MESSAGES,
            contentPolicyConfig={
                "filtersConfig": [
                    {"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"}
                ]
            },
        )


def _projects(acct: SeedAccount, region: str, names: tuple[str, ...]) -> None:
    client = acct.client("bedrock-data-automation", region)
    for name in names:
        client.create_data_automation_project(
            projectName=name,
            standardOutputConfiguration={
                "document": {
                    "extraction": {
                        "granularity": {"types": ["DOCUMENT"]},
                        "boundingBox": {"state": "DISABLED"},
                    }
                }
            },
        )


def _models(acct: SeedAccount, region: str, names: tuple[str, str], key: str | None) -> None:
    """A fine-tuned custom model and an imported model, encrypted with ``key`` if given."""
    custom, imported = names
    bucket = f"aiposture-demo-models-{acct.account_id}"
    client = acct.client("bedrock", region)
    tuning: dict[str, Any] = {"customModelKmsKeyId": key} if key else {}
    client.create_model_customization_job(
        jobName=f"{custom}-job",
        customModelName=custom,
        roleArn=f"arn:aws:iam::{acct.account_id}:role/{CUSTOMIZATION_ROLE}",
        baseModelIdentifier=BASE_MODEL,
        customizationType="FINE_TUNING",
        trainingDataConfig={"s3Uri": f"s3://{bucket}/train.jsonl"},
        outputDataConfig={"s3Uri": f"s3://{bucket}/output/"},
        hyperParameters={"epochCount": "1"},
        **tuning,
    )
    importing: dict[str, Any] = {"importedModelKmsKeyId": key} if key else {}
    client.create_model_import_job(
        jobName=f"{imported}-import",
        importedModelName=imported,
        roleArn=acct.role(IMPORT_ROLE, "bedrock.amazonaws.com"),
        modelDataSource={"s3DataSource": {"s3Uri": f"s3://{bucket}/{imported}/"}},
        **importing,
    )


def _batch_job(acct: SeedAccount, region: str, name: str, *, guide: bool) -> None:
    bucket = f"aiposture-demo-batch-{acct.account_id}"
    output: dict[str, Any] = {"s3Uri": f"s3://{bucket}/output/"}
    extra: dict[str, Any] = {}
    if guide:
        output["s3EncryptionKeyId"] = ai_key(acct, region)
        extra["vpcConfig"] = ai_vpc(acct, region)
    acct.client("bedrock", region).create_model_invocation_job(
        jobName=name,
        roleArn=acct.role(BATCH_ROLE, "bedrock.amazonaws.com"),
        modelId=PROFILE_MODEL,
        inputDataConfig={"s3InputDataConfig": {"s3Uri": f"s3://{bucket}/input/records.jsonl"}},
        outputDataConfig={"s3OutputDataConfig": output},
        **extra,
    )


def ai_vpc(acct: SeedAccount, region: str) -> dict[str, list[str]]:
    """Private subnets and a security group in a VPC of the account (created once).

    The guide's batch jobs and AgentCore runtimes run in it (``subnetIds``/``subnets`` and
    ``securityGroupIds``/``securityGroups``).
    """
    ec2 = acct.client("ec2", region)
    tag = {"Key": "Name", "Value": "aiposture-demo-ai"}
    found = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [tag["Value"]]}])["Vpcs"]
    if found:
        vpc_id = found[0]["VpcId"]
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
        groups = ec2.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "group-name", "Values": ["ai"]},
            ]
        )
        return {
            "subnetIds": sorted(s["SubnetId"] for s in subnets["Subnets"]),
            "securityGroupIds": [g["GroupId"] for g in groups["SecurityGroups"]],
        }
    spec = [{"ResourceType": "vpc", "Tags": [tag]}]
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=spec)["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"{region}{z}"
        )["Subnet"]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    group = ec2.create_security_group(GroupName="ai", Description="AI workloads", VpcId=vpc_id)
    return {"subnetIds": sorted(subnets), "securityGroupIds": [group["GroupId"]]}


def _inference_profile(acct: SeedAccount, region: str) -> None:
    acct.client("bedrock", region).create_inference_profile(
        inferenceProfileName=GUIDE_INFERENCE_PROFILE,
        modelSource={"copyFrom": f"arn:aws:bedrock:{region}::foundation-model/{PROFILE_MODEL}"},
    )


def seed_bedrock_resources(
    guide: SeedAccount,
    partial: SeedAccount,
    placeholder: SeedAccount,
    region: str,
    guide_regions: Sequence[str] = (),
) -> None:
    """Write the demo's Bedrock and Data Automation resources (``region``: the home region).

    The guide account also gets its guardrails in each of ``guide_regions``: it configures
    model invocation logging in every region, so Bedrock counts as in use there and a
    guardrail must be ready. Run before the agents and flows, which name the guardrails'
    versions.
    """
    for where in dict.fromkeys([region, *guide_regions]):
        _guide_guardrails(guide, where)
    _models(guide, region, (GUIDE_CUSTOM_MODEL, GUIDE_IMPORTED_MODEL), ai_key(guide, region))
    _batch_job(guide, region, GUIDE_BATCH_JOB, guide=True)
    _inference_profile(guide, region)
    _projects(guide, region, GUIDE_PROJECTS)
    _partial_guardrails(partial, region)
    _models(partial, region, (PARTIAL_CUSTOM_MODEL, PARTIAL_IMPORTED_MODEL), None)
    _batch_job(partial, region, PARTIAL_BATCH_JOB, guide=False)
    _placeholder_guardrails(placeholder, region)
    _projects(placeholder, region, PLACEHOLDER_PROJECTS)
