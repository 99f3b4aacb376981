"""Patches that make moto behave like AWS where aiposture reads, one module per service.

:func:`install` patches moto's response classes and models in this process. It is
idempotent, and because moto's :class:`~moto.server.ThreadedMotoServer` dispatches to the
same classes, it covers both ``mock_aws()`` and an in-process HTTP server. The patches
answer in the JSON that moto itself writes for these services. Every patch fixes a
documented difference from AWS:

- CloudTrail ``GetTrailStatus``: real timestamps (never empty strings), the CloudWatch
  Logs delivery fields (``LatestCloudWatchLogsDeliveryTime``, ``...Error``) and
  ``LatestDeliveryError``, with per-trail overrides (:func:`.cloudtrail.set_trail_delivery`).
- CloudTrail ``DescribeTrails``/``GetTrail``: real ``HasCustomEventSelectors`` and
  ``HasInsightSelectors`` (moto hard-codes ``False``).
- CloudTrail ``PutEventSelectors``: one kind of selectors replaces the other, both kinds
  in one request are rejected; ``GetEventSelectors`` returns only the kind in use, and
  the classic default selector for a trail that never had selectors.
- CloudTrail ``PutInsightSelectors`` replaces (moto appends); ``GetInsightSelectors``
  raises ``InsightNotEnabledException`` when Insights are off.
- CloudWatch Logs ``CreateLogGroup``/``DescribeLogGroups``: ``logGroupClass`` (default
  ``STANDARD``; the classes of the botocore ``logs`` model 1.44 ``LogGroupClass`` enum:
  STANDARD, INFREQUENT_ACCESS, DELIVERY, ESSENTIALS).
- CloudWatch Logs ``PutMetricFilter`` creates or updates the filter of that name on that
  log group, in its place (moto appends a second filter of the same name), and keeps
  ``applyOnTransformedLogs``, ``fieldSelectionCriteria`` (at most 2,000 characters) and
  ``emitSystemFieldDimensions``, which ``DescribeMetricFilters`` returns (botocore ``logs``
  model 1.44: PutMetricFilterRequest and MetricFilter; moto drops them); emitted system
  fields outside the documented values are rejected, see
  :func:`.filter_inputs.patch_filter_inputs`.
- CloudWatch Logs ``PutSubscriptionFilter`` keeps ``applyOnTransformedLogs``,
  ``fieldSelectionCriteria`` and ``emitSystemFields`` for ``DescribeSubscriptionFilters``
  (botocore ``logs`` model 1.44: PutSubscriptionFilterRequest and SubscriptionFilter).
- CloudWatch ``PutInsightRule`` keeps ``ApplyOnTransformedLogs`` for ``DescribeInsightRules``
  (botocore ``cloudwatch`` model 1.44: PutInsightRuleInput and InsightRule).
- CloudWatch ``PutLogAlarm`` (alarms on a scheduled Logs Insights query; moto has none) and
  ``DescribeAlarms`` that honours ``AlarmTypes``: "If you omit this parameter, only metric
  alarms are returned", and ``LogAlarm`` adds ``LogAlarms`` (botocore ``cloudwatch`` model
  1.44: DescribeAlarmsInput.AlarmTypes, DescribeAlarmsOutput.LogAlarms, PutLogAlarmInput;
  ``QueryARN`` "is populated in DescribeAlarms responses"); PutLogAlarm rejects what the
  model's documentation rules out (M-of-N bounds, offsets, missing-data values, a name
  another alarm has), see :func:`.log_alarms.patch_log_alarms`.
- Organizations: ``InviteAccountToOrganization`` and ``AcceptHandshake``, so an account
  with a fixed id can join an organization (moto only has ``CreateAccount``, which picks
  a random id); ``DescribeOrganization`` then works from the member account.
- EC2 ``DescribeRegions``: only the regions of the caller's partition (moto mixes in the
  China and GovCloud regions).
- CloudTrail ``PutEventConfiguration``/``GetEventConfiguration`` for trails (event
  aggregation, ``AggregationConfigurations``); moto has neither.
- CloudWatch ``PutCompositeAlarm`` (moto has none; ``DescribeAlarms`` then returns the
  alarm under ``CompositeAlarms`` with its ``AlarmRule``).
- CloudWatch dashboards are global: ``ListDashboards``/``GetDashboard`` answer the same
  from every region of the partition (moto keeps them per region), see
  :func:`.cloudwatch.patch_global_dashboards`.
- CloudWatch Logs ``PutQueryDefinition``/``DescribeQueryDefinitions``/
  ``DeleteQueryDefinition`` (saved Logs Insights queries); moto has none.
- SNS subscriptions to ``email``, ``email-json``, ``http`` and ``https`` endpoints stay
  ``PendingConfirmation`` until ``ConfirmSubscription`` presents the token AWS sends to the
  endpoint (moto confirms everything at once and ignores the token);
  :func:`.sns.confirmation_token` reads the token the endpoint "received". ``Subscribe`` then
  answers ``pending confirmation``, ``ListSubscriptions(ByTopic)`` shows
  ``PendingConfirmation`` as the ARN, and ``GetTopicAttributes`` counts
  ``SubscriptionsConfirmed`` and ``SubscriptionsPending`` (moto always reports ``0``).
- CloudWatch ``PutInsightRule`` without ``RuleState`` creates an ``ENABLED`` rule (moto
  stores no state, so ``DescribeInsightRules`` omits ``State``); an unknown state is refused.
- CloudWatch Logs query definitions keep ``queryLanguage`` (``CWLI`` by default, ``SQL``,
  ``PPL``), and ``DescribeQueryDefinitions`` filters on it (botocore ``logs`` model 1.44:
  ``PutQueryDefinitionRequest.queryLanguage`` and
  ``DescribeQueryDefinitionsRequest.queryLanguage``, enum ``QueryLanguage``: CWLI, SQL,
  PPL). Without ``queryLanguage`` it returns every language; the model documents no
  default, so the collector asks for each language and never relies on this.
- CloudTrail organization trails are visible to member accounts: a member's
  ``DescribeTrails`` (with shadow trails) lists the management account's organization
  trails that reach the region (multi-region: every region; single-region: its home
  region), and the member reads them by ARN with ``GetTrail`` and ``GetTrailStatus``
  (moto only shows the caller's own trails). ``GetEventSelectors``,
  ``GetInsightSelectors``, ``GetEventConfiguration`` and ``ListTags`` on a trail ARN of
  another account fail with ``CloudTrailARNInvalidException`` as in AWS (moto answered
  them), see :func:`.org_trails.owner_read_trail`. Writes by the member still see only
  its own trails.
- Bedrock guardrails, imported models, provisioned throughputs, application inference
  profiles, batch inference jobs and Automated Reasoning policies (listings and the writes
  the demo seeds with; moto has none), and the members AWS returns in ListCustomModels, see
  :func:`.bedrock_inventory.patch_bedrock_inventory`; Bedrock Data Automation projects and
  blueprints, a service moto lacks, see :func:`.bedrock_data_automation.patch_data_automation`.
- Agents for Amazon Bedrock agent aliases (with each agent's test alias ``TSTALIASID``),
  flows, flow aliases and prompts (listings and creation; moto has none), ids of the
  model's 10-character form and the knowledge base status enum, see
  :func:`.bedrock_agent_inventory.patch_bedrock_agent_inventory`.
- Each AI resource's own configuration: GetGuardrail (and guardrail versions),
  GetImportedModel and GetModelInvocationJob with the Create calls that make them, the KMS
  key of GetCustomModel, see :func:`.bedrock_details.patch_bedrock_details`; the agent's
  guardrail in CreateAgent/GetAgent, GetFlow, GetPrompt and knowledge-base data sources,
  see :func:`.bedrock_agent_details.patch_bedrock_agent_details`.
- CloudWatch ListMetrics lists each metric (namespace, name, dimension set) once and only
  with data in the past two weeks; GetMetricData reads exactly the metric a query names
  (at most 500 queries), see :mod:`.usage_metrics`.
- X-Ray Transaction Search: ``GetTraceSegmentDestination``, ``UpdateTraceSegmentDestination``,
  ``GetIndexingRules`` and ``UpdateIndexingRule`` (moto has none), and ``PutTraceSegments``
  writing spans to ``aws/spans`` while the destination is CloudWatch Logs, see
  :mod:`.xray_transaction_search`.
- IAM ``CreateServiceSpecificCredential`` and ``ListServiceSpecificCredentials`` (Bedrock
  long-term API keys, with ``CredentialAgeDays``/``ExpirationDate`` and ``AllUsers``); moto
  has neither, see :mod:`.iam_bedrock_keys`; and the AWS managed policies the AI access
  checks name (AmazonBedrockFullAccess, BedrockAgentCoreFullAccess...) exist in every
  account (moto loads none unless told to load all of them).
- CloudTrail ``LookupEvents`` (moto has none) over an event history that only
  :func:`.cloudtrail_lookup_events.record_event` writes (moto records no events of its own):
  one lookup attribute, the inclusive time range, newest first, pages of at most 50 with
  tokens bound to their request, the 90-day retention, and the documented rate of two
  requests per second per account and Region once
  :func:`.cloudtrail_lookup_events.set_lookup_events_rate` turns it on, see
  :mod:`.cloudtrail_lookup_events`. ``GetTrailStatus`` keeps a restarted trail's
  ``StopLoggingTime``, and :func:`.cloudtrail.set_trail_logging_times` makes its start and
  stop times agree with a recorded history.
"""

from __future__ import annotations

import threading

from aiposture.demo.moto_ext import (
    agentcore_inventory,
    bedrock_agent_details,
    bedrock_agent_inventory,
    bedrock_data_automation,
    bedrock_details,
    bedrock_inventory,
    cloudtrail,
    cloudtrail_lookup_events,
    cloudwatch,
    ec2,
    filter_inputs,
    iam_bedrock_keys,
    log_alarms,
    logs,
    org_trails,
    organizations,
    sns,
    usage_metrics,
    xray_transaction_search,
)

__all__ = ["install", "installed"]

_LOCK = threading.Lock()
_INSTALLED = False


def installed() -> bool:
    """Tell whether :func:`install` has patched moto in this process."""
    return _INSTALLED


def install() -> None:
    """Patch moto in this process (idempotent); later patches wrap earlier ones."""
    global _INSTALLED
    with _LOCK:
        if _INSTALLED:
            return
        cloudtrail.patch_cloudtrail()
        logs.patch_logs()
        organizations.patch_organizations()
        ec2.patch_ec2()
        cloudtrail.patch_event_configuration()
        cloudwatch.patch_cloudwatch()
        cloudwatch.patch_global_dashboards()
        logs.patch_query_definitions()
        sns.patch_sns()
        cloudwatch.patch_insight_rules()
        org_trails.patch_organization_trails()
        filter_inputs.patch_filter_inputs()
        log_alarms.patch_log_alarms()
        bedrock_inventory.patch_bedrock_inventory()
        bedrock_data_automation.patch_data_automation()
        bedrock_agent_inventory.patch_bedrock_agent_inventory()
        bedrock_details.patch_bedrock_details()
        bedrock_agent_details.patch_bedrock_agent_details()
        agentcore_inventory.patch_agentcore()
        usage_metrics.patch_usage_metrics()
        iam_bedrock_keys.patch_service_specific_credentials()
        iam_bedrock_keys.patch_ai_managed_policies()
        xray_transaction_search.patch_xray_transaction_search()
        cloudtrail_lookup_events.patch_lookup_events()
        _INSTALLED = True
