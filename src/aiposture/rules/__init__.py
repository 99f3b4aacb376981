"""Rule kinds: the evaluators that catalog entries name. Registered explicitly, by name.

Each kind lives in the module named after it (``aiposture.rules.<kind>``: its parameters
and its evaluator); what several kinds share lives in :mod:`aiposture.rules.support`.
"""

from __future__ import annotations

from aiposture.rules.agent_guardrail import AGENT_GUARDRAIL
from aiposture.rules.agent_role_least_privilege import AGENT_ROLE_LEAST_PRIVILEGE
from aiposture.rules.agentcore_gateway_authorizer import GATEWAY_AUTHORIZER
from aiposture.rules.agentcore_runtime_in_vpc import RUNTIME_IN_VPC
from aiposture.rules.agentcore_runtime_jwt_identity import RUNTIME_JWT_IDENTITY
from aiposture.rules.alarm_chain import ALARM_CHAIN
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.bedrock_api_key_long_term import BEDROCK_API_KEY_LONG_TERM
from aiposture.rules.bedrock_api_key_privileges import BEDROCK_API_KEY_PRIVILEGES
from aiposture.rules.bedrock_vpc_endpoints import BEDROCK_VPC_ENDPOINTS
from aiposture.rules.cloudwatch_delivery import CLOUDWATCH_DELIVERY
from aiposture.rules.continuity import CONTINUITY
from aiposture.rules.contributor_insights_rule import CONTRIBUTOR_INSIGHTS
from aiposture.rules.dashboard import DASHBOARD
from aiposture.rules.data_events_logged import DATA_EVENTS
from aiposture.rules.delivery_log_group_class import LOG_GROUP_CLASS
from aiposture.rules.event_aggregation import EVENT_AGGREGATION
from aiposture.rules.execution_role_not_shared import ROLE_NOT_SHARED
from aiposture.rules.flow_guardrail import FLOW_GUARDRAIL
from aiposture.rules.guardduty_enabled import GUARDDUTY
from aiposture.rules.guardrail_alarm import GUARDRAIL_ALARM
from aiposture.rules.guardrail_policy import GUARDRAIL_POLICY
from aiposture.rules.guardrails_configured import GUARDRAILS_CONFIGURED
from aiposture.rules.insights_enabled import INSIGHTS
from aiposture.rules.invocation_logs_encrypted import INVOCATION_LOGS_ENCRYPTED
from aiposture.rules.log_retention import LOG_RETENTION
from aiposture.rules.managed_policy_attached import MANAGED_POLICY_ATTACHED
from aiposture.rules.management_events_logged import MANAGEMENT_EVENTS
from aiposture.rules.metric_filter import METRIC_FILTER
from aiposture.rules.model_invocation_logging import INVOCATION_LOGGING
from aiposture.rules.network_activity_logged import NETWORK_ACTIVITY
from aiposture.rules.region_covered import REGION_COVERED
from aiposture.rules.resource_customer_key import CUSTOMER_KEY
from aiposture.rules.resources_exist import RESOURCES_EXIST
from aiposture.rules.runtime_log_groups import RUNTIME_LOG_GROUPS
from aiposture.rules.saved_query import SAVED_QUERY
from aiposture.rules.selector_validity import SELECTOR_VALIDITY
from aiposture.rules.spans_log_group import SPANS_LOG_GROUP
from aiposture.rules.subscription_filter import SUBSCRIPTION_FILTER
from aiposture.rules.trail_attribute import TRAIL_ATTRIBUTE
from aiposture.rules.trail_logging import TRAIL_LOGGING
from aiposture.rules.transaction_search import TRANSACTION_SEARCH

REGISTRY: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (
        DATA_EVENTS,
        NETWORK_ACTIVITY,
        MANAGEMENT_EVENTS,
        INSIGHTS,
        TRAIL_LOGGING,
        REGION_COVERED,
        TRAIL_ATTRIBUTE,
        CLOUDWATCH_DELIVERY,
        LOG_GROUP_CLASS,
        LOG_RETENTION,
        INVOCATION_LOGGING,
        SELECTOR_VALIDITY,
        METRIC_FILTER,
        ALARM_CHAIN,
        CONTRIBUTOR_INSIGHTS,
        SAVED_QUERY,
        DASHBOARD,
        SUBSCRIPTION_FILTER,
        EVENT_AGGREGATION,
        GUARDDUTY,
        BEDROCK_API_KEY_LONG_TERM,
        BEDROCK_API_KEY_PRIVILEGES,
        MANAGED_POLICY_ATTACHED,
        AGENT_ROLE_LEAST_PRIVILEGE,
        BEDROCK_VPC_ENDPOINTS,
        INVOCATION_LOGS_ENCRYPTED,
        CUSTOMER_KEY,
        ROLE_NOT_SHARED,
        RESOURCES_EXIST,
        RUNTIME_IN_VPC,
        RUNTIME_JWT_IDENTITY,
        GATEWAY_AUTHORIZER,
        GUARDRAILS_CONFIGURED,
        GUARDRAIL_POLICY,
        AGENT_GUARDRAIL,
        FLOW_GUARDRAIL,
        GUARDRAIL_ALARM,
        TRANSACTION_SEARCH,
        SPANS_LOG_GROUP,
        RUNTIME_LOG_GROUPS,
        CONTINUITY,
    )
}
"""Every rule kind, by the name catalog entries use in ``rule.kind``."""

__all__ = ["REGISTRY", "Outcome", "Params", "RuleContext", "RuleKind"]
