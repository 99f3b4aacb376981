"""CloudTrail data-event resource types (``resources.type`` values) and what we know of them.

AWS's list is the table "Data events supported by AWS CloudTrail" of the CloudTrail User Guide,
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-events.html#cloudtrail-data-events
(the same table is in "Logging data events",
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html),
copied into :data:`CLOUDTRAIL_DATA_EVENT_TYPES` as read in December 2026. The CloudTrail API
reference (``AdvancedFieldSelector``) and botocore's model no longer list the values; they point
to that table. The guide's own Bedrock, AgentCore and bedrock-mantle lists are kept apart
(:data:`BEDROCK_TYPES`, :data:`AGENTCORE_TYPES`, :data:`MANTLE_TYPES`) because checks are built
from them.
"""

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
"""The bedrock-mantle resource types (``bedrock-mantle.amazonaws.com``).

Source: Amazon Bedrock User Guide, "Monitor bedrock-mantle API calls using CloudTrail",
section "Resource types". The CloudTrail table lists only ``AWS::BedrockMantle::Project``.
"""

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


def _of(namespace: str, *names: str) -> tuple[str, ...]:
    """``AWS::<namespace>::<name>`` for each name: one service's rows of the table."""
    return tuple(f"AWS::{namespace}::{name}" for name in names)


CLOUDTRAIL_DATA_EVENT_TYPES: Final = frozenset(
    (
        *_of("AgentAccessMCP", "Tools"),
        *_of("AgentRegistry", "Registry"),
        *_of("AIDevOps", "AgentSpace", "Association", "OperatorAppTeam", "PipelineMetadata"),
        *_of("AIDevOps", "Service"),
        *_of("AIOps", "InvestigationGroup"),
        *_of("AOSS", "Collection"),
        *_of("AppConfig", "Configuration"),
        *_of("ApplicationSignals", "InstrumentationConfig"),
        *_of("AppSync", "GraphQLApi"),
        *_of("AWSExternalAnthropic", "Workspace"),
        *_of("B2BI", "Transformer"),
        *_of("Backup", "BackupAccessPoint", "SearchJob"),
        *_of(
            "Bedrock",
            "AdvancedOptimizePromptJob",
            "AgentAlias",
            "AsyncInvoke",
            "AutomatedReasoningPolicy",
            "AutomatedReasoningPolicyVersion",
            "Blueprint",
            "DataAutomationInvocation",
            "DataAutomationProfile",
            "DataAutomationProject",
            "FlowAlias",
            "FlowExecution",
            "Guardrail",
            "InlineAgent",
            "KnowledgeBase",
            "Model",
            "PromptVersion",
            "Session",
            "Tool",
        ),
        *_of(
            "BedrockAgentCore",
            "ABTest",
            "APIKeyCredentialProvider",
            "BatchEvaluate",
            "Browser",
            "BrowserCustom",
            "BrowserProfile",
            "CapacityProvider",
            "CodeInterpreter",
            "CodeInterpreterCustom",
            "Evaluator",
            "Gateway",
            "Memory",
            "OAuth2CredentialProvider",
            "Payments",
            "Policy",
            "PolicyEngine",
            "Recommendation",
            "Registry",
            "Runtime",
            "RuntimeEndpoint",
            "TokenVault",
            "WorkloadIdentity",
            "WorkloadIdentityDirectory",
        ),
        *_of("BedrockMantle", "Project"),
        *_of("BedrockWebSearch", "Tool"),
        *_of("Cassandra", "Stream", "Table"),
        *_of("CertificateManager", "AcmeEndpoint"),
        *_of("ClinicalTrialsTech", "Codelist", "Dataset", "Execution", "Instance", "Mapping"),
        *_of("ClinicalTrialsTech", "Schedule", "Study"),
        *_of("CloudFront", "KeyValueStore"),
        *_of("CloudOptimization", "Profile", "Recommendation"),
        *_of("CloudTrail", "Channel"),
        *_of("CloudWatch", "Dataset", "IngestionEndpoint", "Metric"),
        *_of("CodeGuruProfiler", "ProfilingGroup"),
        *_of("CodeWhisperer", "Customization", "Profile"),
        *_of("Cognito", "IdentityPool"),
        *_of("DataExchange", "Asset"),
        *_of("Deadline", "Fleet", "Job", "Queue", "Worker"),
        *_of("DiodeAlerting", "LinkedAlert"),
        *_of("DSQL", "Cluster"),
        *_of("DynamoDB", "Stream", "Table"),
        *_of("EC2", "InstanceConnectEndpoint", "Snapshot"),
        *_of("ECS", "ContainerInstance"),
        *_of("EKS", "Dashboard"),
        *_of("EMRWAL", "Workspace"),
        *_of("Events", "Endpoint", "EventBus", "EventSource", "Rule"),
        *_of("FinSpace", "Environment"),
        *_of("FSx", "Volume"),
        *_of("GameLiftStreams", "Application", "StreamGroup"),
        *_of("GeoMaps", "Provider"),
        *_of("GeoPlaces", "Provider"),
        *_of("GeoRoutes", "Provider"),
        *_of("Glue", "Table"),
        *_of("GreengrassV2", "ComponentVersion", "Deployment"),
        *_of("GuardDuty", "Detector", "MalwareScan"),
        *_of("HealthAgent", "Domain", "Integration", "PatientInsightsJob", "Session"),
        *_of("HealthAgent", "Subscription"),
        *_of("HealthLake", "DataTransformationProfile"),
        *_of("IoT", "Certificate", "Thing", "Tunnel"),
        *_of("IoTSiteWise", "Asset", "Dataset", "Pipeline", "TimeSeries", "Workspace"),
        *_of("IoTTwinMaker", "Entity", "Workspace"),
        *_of("KendraRanking", "ExecutionPlan"),
        *_of("Kinesis", "Stream", "StreamConsumer"),
        *_of("KinesisFirehose", "DeliveryStream"),
        *_of("KinesisVideo", "SignalingChannel", "Stream"),
        *_of("Lambda", "Function", "MicrovmImage"),
        *_of("Lex", "Bot", "BotAlias"),
        *_of("Logs", "LogGroupAuthorization", "ScheduledQuery"),
        *_of("MachineLearning", "MlModel"),
        *_of("ManagedBlockchain", "Network", "Node"),
        *_of("ManagedBlockchainQuery", "QueryAPI"),
        *_of("MedicalImaging", "Datastore", "Imageset"),
        *_of("MWAA", "Environment"),
        *_of("NeptuneGraph", "Graph"),
        *_of("NetworkFlowMonitor", "Monitor", "Scope"),
        *_of("NovaAct", "WorkflowDefinition", "WorkflowRun"),
        *_of("One", "UKey", "User"),
        *_of("PaymentCryptography", "Alias", "Key"),
        *_of("PCAConnectorAD", "Connector"),
        *_of("PCAConnectorSCEP", "Connector"),
        *_of("Pinpoint", "App"),
        *_of("QApps", "QApp", "QAppSession"),
        *_of("QBusiness", "Application", "DataSource", "Index", "Integration", "WebExperience"),
        *_of("QDeveloper", "Integration"),
        # Spelt "Quicksight" by AWS for this one row, "QuickSight" for the others.
        *_of("Quicksight", "ActionConnector"),
        *_of("QuickSight", "App", "Automation", "AutomationJob", "Extension", "ExtensionAccess"),
        *_of("QuickSight", "Flow", "FlowSession", "Page", "Task"),
        *_of("RDS", "DBCluster"),
        *_of("Redshift", "Cluster"),
        *_of("ResourceExplorer2", "ManagedView", "View"),
        *_of("RUM", "AppMonitor"),
        *_of("S3", "AccessPoint", "Object"),
        *_of("S3Express", "AccessPoint", "Object"),
        *_of("S3ObjectLambda", "AccessPoint"),
        *_of("S3Outposts", "Object"),
        *_of("S3Tables", "Table", "TableBucket"),
        *_of("S3Vectors", "Index", "VectorBucket"),
        *_of(
            "SageMaker",
            "Endpoint",
            "ExperimentTrialComponent",
            "FeatureGroup",
            "Hub",
            "Job",
            "MlflowApp",
            "MlflowTrackingServer",
            "TrainingSession",
        ),
        *_of("SCN", "BusinessRule", "DataLakeException", "ExceptionInvestigation"),
        *_of("SCN", "ExceptionRule", "Instance", "Metric", "MetricEvaluation", "Outcome"),
        *_of("SCN", "OutcomeTemplate"),
        *_of("SDB", "Domain"),
        *_of("ServiceDiscovery", "Namespace", "Service"),
        *_of("SES", "ConfigurationSet", "EmailIdentity", "Template"),
        *_of("Signer", "SigningJob", "SigningProfile"),
        *_of("SitewiseAssistant", "Conversation"),
        *_of("SMSVoice", "CarrierLookup", "ConfigurationSet", "Message", "NotifyConfiguration"),
        *_of("SMSVoice", "OriginationIdentity"),
        *_of("SNS", "PlatformEndpoint", "Topic"),
        *_of("SocialMessaging", "PhoneNumberId", "WabaId"),
        *_of("SQS", "Queue"),
        *_of("SSM", "ExecutionPreview", "ManagedNode"),
        *_of("SSMMessages", "ControlChannel"),
        *_of("StepFunctions", "Activity", "StateMachine"),
        *_of("SupportAccess", "Tenant", "TrustingAccount", "TrustingRole"),
        *_of("SWF", "Domain"),
        *_of("ThinClient", "Device", "Environment"),
        *_of("Timestream", "Database", "RegionalEndpoint", "Table"),
        *_of("Transform", "AgentInstance", "Profile"),
        *_of("TransformCustom", "Campaign", "Conversation", "KnowledgeItem", "Package"),
        *_of("UXC", "AccountCustomization"),
        *_of("VerifiedPermissions", "PolicyStore"),
        *_of("WellArchitected", "AgentRecommendation"),
        *_of("XRay", "Trace"),
    )
)
"""Every ``resources.type`` value of AWS's table "Data events supported by AWS CloudTrail".

Copied from the CloudTrail User Guide page named in the module docstring, December 2026. Not
in it, so not here: ``AWS::AppSync::GraphQL`` (the type is ``AWS::AppSync::GraphQLApi``),
``AWS::Backup::BackupVault`` (AWS Backup's data-event types are ``BackupAccessPoint`` and
``SearchJob``) and ``AWS::S3Vectors::Bucket`` (the S3 Vectors types are ``VectorBucket`` and
``Index``, as in the S3 User Guide's "CloudTrail log file example for S3 Vectors").
"""

KNOWN_RESOURCE_TYPES: Final = CLOUDTRAIL_DATA_EVENT_TYPES | MANTLE_TYPES
"""Data-event types this validator knows: AWS's CloudTrail table plus the bedrock-mantle types
that only the Bedrock User Guide lists. AWS adds types often: an unknown one only warns."""

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
    # arn:aws:s3vectors:...:bucket/NAME[/index/NAME], S3 User Guide, "CloudTrail log file example
    # for S3 Vectors".
    "S3Vectors": "s3vectors",
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
