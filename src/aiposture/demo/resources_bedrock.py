"""The demo's Bedrock resources.

Guardrails, a custom model, an application inference profile and Bedrock Data Automation
projects.

Written through plain boto3 calls: moto's own CreateModelCustomizationJob (which creates the
custom model) and the Create operations :mod:`aiposture.demo.moto_ext.bedrock_inventory`
and :mod:`aiposture.demo.moto_ext.bedrock_data_automation` add. Only the home region of two
accounts holds any: the **guide** account (two guardrails, a fine-tuned custom model, an
application inference profile and a Data Automation project) and the **placeholder**
account (one guardrail and a Data Automation project). The partial and lab accounts, and
every other region, have none.
"""

from __future__ import annotations

from aiposture.demo.writers import SeedAccount

BASE_MODEL = "amazon.titan-text-express-v1"
"""The foundation model the demo's custom model is fine-tuned from."""
CUSTOMIZATION_ROLE = "AiPostureDemoCustomizationRole"
"""The name of the (unwritten) service role the demo's customization job names."""
PROFILE_MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"
"""The foundation model the demo's application inference profile copies."""
GUIDE_GUARDRAILS = ("pii-filter", "topic-denylist")
"""The guide account's guardrails (home region)."""
GUIDE_CUSTOM_MODEL = "claims-summarizer"
"""The guide account's custom model (home region)."""
GUIDE_INFERENCE_PROFILE = "support-assistant-costs"
"""The guide account's application inference profile (home region)."""
GUIDE_PROJECTS = ("invoice-extraction",)
"""The guide account's Data Automation projects (home region)."""
PLACEHOLDER_GUARDRAILS = ("hr-guardrail",)
"""The placeholder account's guardrails (home region)."""
PLACEHOLDER_PROJECTS = ("resume-parsing",)
"""The placeholder account's Data Automation projects (home region)."""


def _guardrails(acct: SeedAccount, region: str, names: tuple[str, ...]) -> None:
    client = acct.client("bedrock", region)
    for name in names:
        client.create_guardrail(
            name=name,
            blockedInputMessaging="Sorry, I cannot help with that.",
            blockedOutputsMessaging="Sorry, I cannot answer that.",
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


def _custom_model(acct: SeedAccount, region: str) -> None:
    bucket = f"aiposture-demo-tuning-{acct.account_id}"
    role = f"arn:aws:iam::{acct.account_id}:role/{CUSTOMIZATION_ROLE}"
    acct.client("bedrock", region).create_model_customization_job(
        jobName=f"{GUIDE_CUSTOM_MODEL}-job",
        customModelName=GUIDE_CUSTOM_MODEL,
        roleArn=role,
        baseModelIdentifier=BASE_MODEL,
        customizationType="FINE_TUNING",
        trainingDataConfig={"s3Uri": f"s3://{bucket}/train.jsonl"},
        outputDataConfig={"s3Uri": f"s3://{bucket}/output/"},
        hyperParameters={"epochCount": "1"},
    )


def _inference_profile(acct: SeedAccount, region: str) -> None:
    acct.client("bedrock", region).create_inference_profile(
        inferenceProfileName=GUIDE_INFERENCE_PROFILE,
        modelSource={"copyFrom": f"arn:aws:bedrock:{region}::foundation-model/{PROFILE_MODEL}"},
    )


def seed_bedrock_resources(guide: SeedAccount, placeholder: SeedAccount, region: str) -> None:
    """Write the demo's Bedrock and Data Automation resources (``region``: the home region)."""
    _guardrails(guide, region, GUIDE_GUARDRAILS)
    _custom_model(guide, region)
    _inference_profile(guide, region)
    _projects(guide, region, GUIDE_PROJECTS)
    _guardrails(placeholder, region, PLACEHOLDER_GUARDRAILS)
    _projects(placeholder, region, PLACEHOLDER_PROJECTS)
