"""CloudTrail data-event resource types (``resources.type`` values) and what we know of them."""

from __future__ import annotations

from typing import Final

BEDROCK_TYPES: Final = frozenset(
    f"AWS::Bedrock::{name}"
    for name in (
        "AgentAlias",
        "InlineAgent",
        "FlowAlias",
        "FlowExecution",
        "Session",
        "Model",
        "AsyncInvoke",
        "PromptVersion",
        "AdvancedOptimizePromptJob",
        "Guardrail",
        "AutomatedReasoningPolicy",
        "AutomatedReasoningPolicyVersion",
        "KnowledgeBase",
        "Tool",
        "DataAutomationProject",
        "DataAutomationInvocation",
        "DataAutomationProfile",
        "Blueprint",
    )
)
"""The 18 Amazon Bedrock data-event types the guide configures."""

AGENTCORE_TYPES: Final = frozenset(
    f"AWS::BedrockAgentCore::{name}"
    for name in (
        "Gateway",
        "Runtime",
        "RuntimeEndpoint",
        "CodeInterpreter",
        "CodeInterpreterCustom",
        "Browser",
        "BrowserCustom",
        "WorkloadIdentity",
        "WorkloadIdentityDirectory",
        "TokenVault",
        "OAuth2CredentialProvider",
        "APIKeyCredentialProvider",
        "Memory",
        "Evaluator",
    )
)
"""The 14 Amazon Bedrock AgentCore data-event types the guide lists."""

MANTLE_TYPES: Final = frozenset(
    f"AWS::BedrockMantle::{name}"
    for name in ("Project", "CustomizedModel", "Reservation", "Environment", "Runtime", "Skill")
)
"""The bedrock-mantle resource types (``bedrock-mantle.amazonaws.com``)."""

S3_OBJECT_TYPES: Final = frozenset(
    {
        "AWS::S3::Object",
        "AWS::S3::AccessPoint",
        "AWS::S3Express::Object",
        "AWS::S3ObjectLambda::AccessPoint",
        "AWS::S3Outposts::Object",
    }
)
"""Types whose data events are S3 object operations."""

_OTHER_TYPES: Final = frozenset(
    {
        "AWS::Lambda::Function",
        "AWS::DynamoDB::Table",
        "AWS::DynamoDB::Stream",
        "AWS::S3Tables::Table",
        "AWS::S3Tables::TableBucket",
        "AWS::SNS::Topic",
        "AWS::SNS::PlatformEndpoint",
        "AWS::SQS::Queue",
        "AWS::Kinesis::Stream",
        "AWS::Kinesis::StreamConsumer",
        "AWS::KinesisVideo::Stream",
        "AWS::StepFunctions::StateMachine",
        "AWS::SageMaker::Endpoint",
        "AWS::SageMaker::FeatureGroup",
        "AWS::SageMaker::ExperimentTrialComponent",
        "AWS::CloudTrail::Channel",
        "AWS::CloudWatch::Metric",
        "AWS::AppConfig::Configuration",
        "AWS::AppSync::GraphQL",
        "AWS::Backup::BackupVault",
        "AWS::Cassandra::Table",
        "AWS::CloudFront::KeyValueStore",
        "AWS::CodeWhisperer::Customization",
        "AWS::CodeWhisperer::Profile",
        "AWS::Cognito::IdentityPool",
        "AWS::EC2::Snapshot",
        "AWS::Glue::Table",
        "AWS::GuardDuty::Detector",
        "AWS::IoT::Certificate",
        "AWS::IoT::Thing",
        "AWS::KendraRanking::ExecutionPlan",
        "AWS::ManagedBlockchain::Network",
        "AWS::ManagedBlockchain::Node",
        "AWS::MedicalImaging::Datastore",
        "AWS::NeptuneGraph::Graph",
        "AWS::QApps::QApp",
        "AWS::QBusiness::Application",
        "AWS::QBusiness::DataSource",
        "AWS::QBusiness::Index",
        "AWS::QBusiness::WebExperience",
        "AWS::RDS::DBCluster",
        "AWS::ServiceDiscovery::Namespace",
        "AWS::ServiceDiscovery::Service",
        "AWS::SSM::ManagedNode",
        "AWS::SSMMessages::ControlChannel",
        "AWS::SWF::Domain",
        "AWS::Timestream::Database",
        "AWS::Timestream::Table",
        "AWS::VerifiedPermissions::PolicyStore",
        "AWS::XRay::Trace",
    }
)

KNOWN_RESOURCE_TYPES: Final = (
    BEDROCK_TYPES | AGENTCORE_TYPES | MANTLE_TYPES | S3_OBJECT_TYPES | _OTHER_TYPES
)
"""Data-event types this validator knows. The real list grows: unknown types only warn."""

HIGH_VOLUME_TYPES: Final = (
    S3_OBJECT_TYPES
    | {"AWS::Lambda::Function", "AWS::DynamoDB::Table", "AWS::DynamoDB::Stream"}
    | BEDROCK_TYPES
    | (
        AGENTCORE_TYPES
        - {"AWS::BedrockAgentCore::CodeInterpreter", "AWS::BedrockAgentCore::Browser"}
    )
)
"""Types whose selectors should be narrowed (the guide scopes every one of these).

AgentCore's AWS-managed CodeInterpreter and Browser are left out because the guide deliberately
logs them by type alone, and so are the bedrock-mantle types, whose own AWS example does too.
"""

_SERVICE_BY_NAMESPACE: Final = {
    "Bedrock": "bedrock",
    "BedrockAgentCore": "bedrock-agentcore",
    "BedrockMantle": "bedrock-mantle",
    "S3": "s3",
    "S3Express": "s3express",
    "S3ObjectLambda": "s3-object-lambda",
    "S3Outposts": "s3-outposts",
    "S3Tables": "s3tables",
    "Lambda": "lambda",
    "DynamoDB": "dynamodb",
    "SNS": "sns",
    "SQS": "sqs",
    "Kinesis": "kinesis",
    "KinesisVideo": "kinesisvideo",
    "StepFunctions": "states",
    "SageMaker": "sagemaker",
}


def arn_service(resource_type: str) -> str | None:
    """Return the ARN service prefix of ``resource_type`` resources, when we are sure of it."""
    parts = resource_type.split("::")
    if len(parts) != 3 or parts[0] != "AWS":
        return None
    return _SERVICE_BY_NAMESPACE.get(parts[1])
