"""Patches that make moto behave like AWS where aiposture reads.

:func:`install` patches moto's response classes and models in this process. It is
idempotent, and because moto's :class:`~moto.server.ThreadedMotoServer` dispatches to the
same classes, it covers both ``mock_aws()`` and an in-process HTTP server. The patches
answer in the JSON that moto itself writes for these services. Every patch fixes a
documented difference from AWS:

- CloudTrail ``GetTrailStatus``: real timestamps (never empty strings), the CloudWatch
  Logs delivery fields (``LatestCloudWatchLogsDeliveryTime``, ``...Error``) and
  ``LatestDeliveryError``, with per-trail overrides (:func:`set_trail_delivery`).
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
  fields outside the documented values are rejected, see ``_patch_filter_inputs``.
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
  another alarm has), see ``_patch_log_alarms``.
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
  ``_patch_global_dashboards``.
- CloudWatch Logs ``PutQueryDefinition``/``DescribeQueryDefinitions``/
  ``DeleteQueryDefinition`` (saved Logs Insights queries); moto has none.
- SNS subscriptions to ``email``, ``email-json``, ``http`` and ``https`` endpoints stay
  ``PendingConfirmation`` until ``ConfirmSubscription`` presents the token AWS sends to the
  endpoint (moto confirms everything at once and ignores the token);
  :func:`confirmation_token` reads the token the endpoint "received". ``Subscribe`` then
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
  them), see ``_owner_read_trail``. Writes by the member still see only its own trails.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from unittest import mock

__all__ = ["confirmation_token", "install", "installed", "set_trail_delivery"]

_LOCK = threading.Lock()
_INSTALLED = False
_DELIVERY_ATTR = "_aiposture_delivery"
_HANDSHAKES_ATTR = "_aiposture_handshakes"
_LOG_GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS")
_EVENT_CONFIG_ATTR = "_aiposture_event_configuration"
_QUERY_DEFINITIONS_ATTR = "_aiposture_query_definitions"
_AGGREGATION_TEMPLATES = ("API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS")
_QUERY_LANGUAGES = ("CWLI", "SQL", "PPL")
_INSIGHT_RULE_STATES = ("ENABLED", "DISABLED")
_CONFIRMED_BY_ENDPOINT = ("email", "email-json", "http", "https")
_PENDING_ATTR = "_aiposture_pending_confirmation"


def installed() -> bool:
    """Tell whether :func:`install` has patched moto in this process."""
    return _INSTALLED


def install() -> None:
    """Patch moto in this process (idempotent)."""
    global _INSTALLED
    with _LOCK:
        if _INSTALLED:
            return
        _patch_cloudtrail()
        _patch_logs()
        _patch_organizations()
        _patch_ec2()
        _patch_event_configuration()
        _patch_cloudwatch()
        _patch_global_dashboards()
        _patch_query_definitions()
        _patch_sns()
        _patch_insight_rules()
        _patch_organization_trails()
        _patch_filter_inputs()
        _patch_log_alarms()
        _INSTALLED = True


# --- helpers ---------------------------------------------------------------------------


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _epoch(value: datetime) -> float:
    return _naive_utc(value).replace(tzinfo=UTC).timestamp()


def _iso(value: datetime) -> str:
    return _naive_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _patch(owner: type, name: str, value: Callable[..., Any]) -> None:
    """Replace (or add) ``owner.name``; moto dispatches by attribute lookup."""
    setattr(owner, name, value)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def set_trail_delivery(
    account_id: str,
    region: str,
    trail_name: str,
    *,
    cloudwatch_delivery_time: datetime | None = None,
    cloudwatch_delivery_error: str | None = None,
    delivery_time: datetime | None = None,
    delivery_error: str | None = None,
) -> None:
    """Override what ``GetTrailStatus`` reports for one trail (only the arguments given).

    Without overrides a logging trail reports S3 delivery now and, when it has a
    CloudWatch Logs log group, CloudWatch Logs delivery now, with no errors. The moto
    backend must run in this process (``mock_aws()`` or ``ThreadedMotoServer``).
    """
    from moto.cloudtrail.models import cloudtrail_backends

    trail = cloudtrail_backends[account_id][region].get_trail(trail_name)
    overrides: dict[str, Any] = getattr(trail, _DELIVERY_ATTR, {})
    given = {
        "cloudwatch_delivery_time": cloudwatch_delivery_time,
        "cloudwatch_delivery_error": cloudwatch_delivery_error,
        "delivery_time": delivery_time,
        "delivery_error": delivery_error,
    }
    overrides.update({k: v for k, v in given.items() if v is not None})
    setattr(trail, _DELIVERY_ATTR, overrides)


# --- CloudTrail ------------------------------------------------------------------------


def _trail_status(trail: Any) -> dict[str, Any]:
    """GetTrailStatus as AWS writes it: fields are present only when they have a value."""
    status = trail.status
    overrides: dict[str, Any] = getattr(trail, _DELIVERY_ATTR, {})
    out: dict[str, Any] = {"IsLogging": bool(status.is_logging)}
    if status.started:
        out["StartLoggingTime"] = _epoch(status.started)
        out["TimeLoggingStarted"] = _iso(status.started)
    if status.stopped and not status.is_logging:
        out["StopLoggingTime"] = _epoch(status.stopped)
        out["TimeLoggingStopped"] = _iso(status.stopped)
    if not status.started:
        return out
    last = _utcnow() if status.is_logging else (status.stopped or status.started)
    delivered: datetime = overrides.get("delivery_time", last)
    out["LatestDeliveryTime"] = _epoch(delivered)
    out["LatestDeliveryAttemptTime"] = _iso(delivered)
    if overrides.get("delivery_error"):
        out["LatestDeliveryError"] = overrides["delivery_error"]
    else:
        out["LatestDeliveryAttemptSucceeded"] = _iso(delivered)
    if trail.log_validation:
        out["LatestDigestDeliveryTime"] = _epoch(delivered)
    if trail.cw_log_group_arn:
        cw_time: datetime = overrides.get("cloudwatch_delivery_time", last)
        out["LatestCloudWatchLogsDeliveryTime"] = _epoch(cw_time)
        if overrides.get("cloudwatch_delivery_error"):
            out["LatestCloudWatchLogsDeliveryError"] = overrides["cloudwatch_delivery_error"]
    return out


_DEFAULT_CLASSIC_SELECTORS = [
    {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [],
        "ExcludeManagementEventSources": [],
    }
]


def _patch_cloudtrail() -> None:
    """CloudTrail trails as AWS answers for them (botocore ``cloudtrail`` model 2013-11-01).

    - GetTrailStatus: ``LatestDeliveryTime``, ``LatestCloudWatchLogsDeliveryTime`` and
      ``LatestCloudWatchLogsDeliveryError`` are timestamps and strings of
      GetTrailStatusResponse, absent when unknown (never empty strings, as moto wrote).
    - DescribeTrails/GetTrail: ``HasCustomEventSelectors`` and ``HasInsightSelectors`` are
      the Trail shape's booleans "Specifies if the trail has custom event selectors" / "has
      insight types specified" (moto hard-codes False).
    - PutEventSelectors: "You can use either AdvancedEventSelectors or EventSelectors, but
      not both. If you apply AdvancedEventSelectors to a trail, any existing EventSelectors
      are overwritten" (PutEventSelectorsRequest docs); GetEventSelectors returns the kind
      in use, and a new trail has the default selector (CloudTrail User Guide, "Logging
      management events": trails log all management events by default).
    - PutInsightSelectors replaces the trail's selectors; GetInsightSelectors raises
      InsightNotEnabledException (in the operation's error list) when Insights are off.
    """
    from moto.cloudtrail.exceptions import InvalidParameterCombinationException
    from moto.cloudtrail.models import Trail
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.exceptions import JsonRESTError

    original_description: Callable[..., dict[str, Any]] = Trail.description

    def description(self: Any, include_region: bool = False) -> dict[str, Any]:
        desc = original_description(self, include_region=include_region)
        desc["HasCustomEventSelectors"] = bool(
            self.event_selectors or self.advanced_event_selectors
        )
        desc["HasInsightSelectors"] = bool(self.insight_selectors)
        return {k: v for k, v in desc.items() if v is not None}

    def put_event_selectors(
        self: Any,
        event_selectors: list[dict[str, Any]] | None,
        advanced_event_selectors: list[dict[str, Any]] | None,
    ) -> None:
        if advanced_event_selectors is not None:
            self.advanced_event_selectors = list(advanced_event_selectors)
            self.event_selectors = []
        else:
            self.event_selectors = list(event_selectors or [])
            self.advanced_event_selectors = []

    def put_insight_selectors(self: Any, insight_selectors: list[dict[str, Any]]) -> None:
        self.insight_selectors = list(insight_selectors)

    def find_trail(response: Any, name: str) -> Any:
        backend = response.cloudtrail_backend
        backend.get_trail_status(name)  # raises TrailNotFoundException like moto does
        trails = backend.describe_trails(include_shadow_trails=True)
        return next(t for t in trails if name in (t.trail_name, t.arn))

    def r_get_trail_status(self: Any) -> str:
        trail = find_trail(self, self._get_param("Name"))
        return json.dumps(_trail_status(trail))

    def r_put_event_selectors(self: Any) -> str:
        params = json.loads(self.body)
        classic = params.get("EventSelectors")
        advanced = params.get("AdvancedEventSelectors")
        if classic is not None and advanced is not None:
            raise InvalidParameterCombinationException(
                "You cannot use EventSelectors and AdvancedEventSelectors in the same request."
            )
        trail = self.cloudtrail_backend.get_trail(params.get("TrailName"))
        trail.put_event_selectors(classic, advanced)
        key = "AdvancedEventSelectors" if advanced is not None else "EventSelectors"
        return json.dumps(
            {"TrailARN": trail.arn, key: advanced if advanced is not None else classic}
        )

    def r_get_event_selectors(self: Any) -> str:
        params = json.loads(self.body)
        trail = _owner_read_trail(self.cloudtrail_backend, params.get("TrailName"))
        if trail.advanced_event_selectors:
            return json.dumps(
                {"TrailARN": trail.arn, "AdvancedEventSelectors": trail.advanced_event_selectors}
            )
        classic = trail.event_selectors or _DEFAULT_CLASSIC_SELECTORS
        return json.dumps({"TrailARN": trail.arn, "EventSelectors": classic})

    def r_get_insight_selectors(self: Any) -> str:
        trail = _owner_read_trail(self.cloudtrail_backend, self._get_param("TrailName"))
        if not trail.insight_selectors:
            raise JsonRESTError(
                "InsightNotEnabledException",
                f"Trail {trail.arn} does not have Insights enabled. Edit the trail settings "
                "to enable Insights, and then try the operation again.",
            )
        return json.dumps({"TrailARN": trail.arn, "InsightSelectors": trail.insight_selectors})

    _patch(Trail, "description", description)
    _patch(Trail, "put_event_selectors", put_event_selectors)
    _patch(Trail, "put_insight_selectors", put_insight_selectors)
    _patch(CloudTrailResponse, "get_trail_status", r_get_trail_status)
    _patch(CloudTrailResponse, "put_event_selectors", r_put_event_selectors)
    _patch(CloudTrailResponse, "get_event_selectors", r_get_event_selectors)
    _patch(CloudTrailResponse, "get_insight_selectors", r_get_insight_selectors)


# --- CloudWatch Logs -------------------------------------------------------------------


def _patch_logs() -> None:
    """CloudWatch Logs groups and metric filters as AWS keeps them (botocore ``logs`` model).

    - CreateLogGroup/DescribeLogGroups: ``logGroupClass`` (LogGroupClass enum STANDARD,
      INFREQUENT_ACCESS, DELIVERY, ESSENTIALS; STANDARD when none is given, "If you omit
      this parameter, the default of STANDARD is used").
    - PutMetricFilter "Creates or updates a metric filter" (API Reference): a filter of the
      same name on the same log group is replaced in place, not appended.
    """
    from moto.logs.exceptions import InvalidParameterException
    from moto.logs.metric_filters import MetricFilters
    from moto.logs.models import LogGroup
    from moto.logs.responses import LogsResponse

    original_create: Callable[[Any], str] = LogsResponse.create_log_group
    original_describe: Callable[[Any], dict[str, Any]] = LogGroup.to_describe_dict

    def create_log_group(self: Any) -> str:
        log_class = self._get_param("logGroupClass") or "STANDARD"
        if log_class not in _LOG_GROUP_CLASSES:
            raise InvalidParameterException(
                constraint=f"Member must satisfy enum value set: {list(_LOG_GROUP_CLASSES)}",
                parameter="logGroupClass",
                value=log_class,
            )
        result = original_create(self)
        group = self.logs_backend.groups[self._get_param("logGroupName")]
        group.log_group_class = log_class
        return result

    def to_describe_dict(self: Any) -> dict[str, Any]:
        desc = original_describe(self)
        desc["logGroupClass"] = getattr(self, "log_group_class", "STANDARD")
        return desc

    def add_filter(
        self: Any,
        filter_name: str,
        filter_pattern: str,
        log_group_name: str,
        metric_transformations: Any,
        **extra: Any,
    ) -> None:
        new = {
            "filterName": filter_name,
            "filterPattern": filter_pattern,
            "logGroupName": log_group_name,
            "metricTransformations": metric_transformations,
            **{k: v for k, v in extra.items() if v is not None},
        }
        for i, existing in enumerate(self.metric_filters):
            if (existing["logGroupName"], existing["filterName"]) == (log_group_name, filter_name):
                self.metric_filters[i] = new
                return
        self.metric_filters.append(new)

    _patch(LogsResponse, "create_log_group", create_log_group)
    _patch(LogGroup, "to_describe_dict", to_describe_dict)
    _patch(MetricFilters, "add_filter", add_filter)


# --- Organizations ---------------------------------------------------------------------


def _patch_organizations() -> None:
    """Organizations invitations, as AWS has them.

    Organizations invitations, so an account with a fixed id can join (botocore
    ``organizations`` model: InviteAccountToOrganization, AcceptHandshake; AWS Organizations
    User Guide, "Inviting an AWS account to join your organization"). moto has only
    CreateAccount, which picks a random id; after the handshake DescribeOrganization works
    from the member account as in AWS.
    """
    from moto.core.utils import unix_time
    from moto.organizations import utils as org_utils
    from moto.organizations.exceptions import OrganizationsClientError
    from moto.organizations.models import (
        FakeAccount,
        FakeDelegatedAdministrator,
        FakeServiceAccess,
        OrganizationsBackend,
        organizations_backends,
    )
    from moto.organizations.responses import OrganizationsResponse

    # CloudTrail takes a delegated administrator in AWS; moto's service lists lack it, so
    # ListDelegatedAdministrators(ServicePrincipal=cloudtrail...) is refused without this.
    cloudtrail = "cloudtrail.amazonaws.com"
    if cloudtrail not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
        FakeDelegatedAdministrator.SUPPORTED_SERVICES = [
            *FakeDelegatedAdministrator.SUPPORTED_SERVICES,
            cloudtrail,
        ]
    if cloudtrail not in FakeServiceAccess.TRUSTED_SERVICES:
        FakeServiceAccess.TRUSTED_SERVICES = [*FakeServiceAccess.TRUSTED_SERVICES, cloudtrail]

    original_reset: Callable[[Any], None] = OrganizationsBackend.reset

    def reset(self: Any) -> None:
        # moto keeps member -> master mappings across resets; drop this master's members.
        members = organizations_backends.master_accounts
        for member, (master, _) in list(members.items()):
            if master == self.account_id:
                members.pop(member, None)
        original_reset(self)

    def is_member(account_id: str) -> bool:
        entry = organizations_backends.master_accounts.get(account_id)
        if entry is None:
            return False
        master = organizations_backends[entry[0]][entry[1]]
        return master.org is not None and any(a.id == account_id for a in master.accounts)

    def handshakes(backend: Any) -> dict[str, dict[str, Any]]:
        store: dict[str, dict[str, Any]] | None = getattr(backend, _HANDSHAKES_ATTR, None)
        if store is None:
            store = {}
            setattr(backend, _HANDSHAKES_ATTR, store)
        return store

    def invite_account_to_organization(self: Any) -> str:
        backend = self.organizations_backend
        org = backend.org
        if org is None:
            raise OrganizationsClientError(
                "AWSOrganizationsNotInUseException",
                "Your account is not a member of an organization.",
            )
        target = self._get_param("Target") or {}
        account_id = str(target.get("Id", ""))
        if target.get("Type") != "ACCOUNT" or not (account_id.isdigit() and len(account_id) == 12):
            raise OrganizationsClientError(
                "InvalidInputException", "Target must be an ACCOUNT with a 12-digit id."
            )
        now = unix_time()
        handshake_id = "h-" + org_utils.make_random_create_account_status_id()[4:].lower()
        handshake = {
            "Id": handshake_id,
            "Arn": f"arn:{backend.partition}:organizations::{org.master_account_id}:"
            f"handshake/{org.id}/invite/{handshake_id}",
            "Parties": [
                {"Id": org.id, "Type": "ORGANIZATION"},
                {"Id": account_id, "Type": "ACCOUNT"},
            ],
            "State": "OPEN",
            "RequestedTimestamp": now,
            "ExpirationTimestamp": now + 15 * 86400,
            "Action": "INVITE",
            "Resources": [{"Value": org.id, "Type": "ORGANIZATION"}],
        }
        handshakes(backend)[handshake_id] = handshake
        return json.dumps({"Handshake": handshake})

    def accept_handshake(self: Any) -> str:
        handshake_id = self._get_param("HandshakeId")
        member = self.current_account
        for master_id, by_partition in list(organizations_backends.items()):
            for backend in by_partition.values():
                handshake = handshakes(backend).get(handshake_id)
                org = backend.org
                if handshake is None or org is None:
                    continue
                if handshake["Parties"][1]["Id"] != member or handshake["State"] != "OPEN":
                    raise OrganizationsClientError(
                        "HandshakeConstraintViolationException",
                        "This handshake is not open for your account.",
                    )
                if is_member(member):
                    raise OrganizationsClientError(
                        "HandshakeConstraintViolationException",
                        "The account is already a member of an organization.",
                    )
                with mock.patch.object(org_utils, "make_random_account_id", return_value=member):
                    account = FakeAccount(
                        org, AccountName=f"account-{member}", Email=f"{member}@example.com"
                    )
                account.joined_method = "INVITED"
                backend.accounts.append(account)
                for policy_id in (org_utils.DEFAULT_SCP_POLICY_ID, org_utils.DEFAULT_RCP_POLICY_ID):
                    backend.attach_policy(PolicyId=policy_id, TargetId=member)
                organizations_backends.master_accounts[member] = (master_id, backend.partition)
                handshake["State"] = "ACCEPTED"
                return json.dumps({"Handshake": handshake})
        raise OrganizationsClientError(
            "HandshakeNotFoundException", f"Handshake {handshake_id} does not exist."
        )

    _patch(OrganizationsBackend, "reset", reset)
    _patch(OrganizationsResponse, "invite_account_to_organization", invite_account_to_organization)
    _patch(OrganizationsResponse, "accept_handshake", accept_handshake)


# --- EC2 -------------------------------------------------------------------------------


def _patch_ec2() -> None:
    """EC2 DescribeRegions within the caller's partition.

    EC2 DescribeRegions lists the regions of the caller's partition only (EC2 API
    Reference, DescribeRegions: "Describes the Regions that are enabled for your account";
    a partition's endpoints know only its own regions). moto mixes in China and GovCloud.
    """
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend
    from moto.utilities.utils import get_partition

    original: Callable[..., list[Any]] = RegionsAndZonesBackend.describe_regions

    def describe_regions(self: Any, region_names: list[str] | None = None) -> list[Any]:
        partition = get_partition(self.region_name)
        regions = original(self, region_names)
        return [r for r in regions if get_partition(r.name) == partition]

    _patch(RegionsAndZonesBackend, "describe_regions", describe_regions)


# --- CloudTrail event configuration (aggregation) --------------------------------------


def _patch_event_configuration() -> None:
    """CloudTrail event configuration (aggregation) for trails.

    CloudTrail PutEventConfiguration/GetEventConfiguration for trails (event
    aggregation): botocore ``cloudtrail`` model 2013-11-01, PutEventConfigurationRequest
    (``AggregationConfigurations`` with templates API_ACTIVITY, RESOURCE_ACCESS,
    USER_ACTIONS) and GetEventConfigurationResponse. moto has neither operation.
    """
    from moto.cloudtrail.exceptions import InvalidParameterCombinationException
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.exceptions import JsonRESTError

    def trail_of(response: Any, params: dict[str, Any], *, read: bool) -> Any:
        if params.get("EventDataStore"):
            raise InvalidParameterCombinationException(
                "aiposture's moto extension supports trails only, not event data stores."
            )
        backend = response.cloudtrail_backend
        name = str(params.get("TrailName") or "")
        return _owner_read_trail(backend, name) if read else backend.get_trail(name)

    def r_put_event_configuration(self: Any) -> str:
        params = json.loads(self.body)
        trail = trail_of(self, params, read=False)
        configs = params.get("AggregationConfigurations") or []
        for config in configs:
            templates = config.get("Templates") or []
            if (
                config.get("EventCategory") != "Data"
                or not templates
                or any(t not in _AGGREGATION_TEMPLATES for t in templates)
            ):
                raise JsonRESTError(
                    "InvalidParameterException",
                    "AggregationConfigurations: EventCategory must be Data and Templates "
                    f"one or more of {list(_AGGREGATION_TEMPLATES)}.",
                )
        setattr(trail, _EVENT_CONFIG_ATTR, [dict(c) for c in configs])
        return json.dumps({"TrailARN": trail.arn, "AggregationConfigurations": configs})

    def r_get_event_configuration(self: Any) -> str:
        trail = trail_of(self, json.loads(self.body), read=True)
        configs = getattr(trail, _EVENT_CONFIG_ATTR, [])
        return json.dumps({"TrailARN": trail.arn, "AggregationConfigurations": configs})

    _patch(CloudTrailResponse, "put_event_configuration", r_put_event_configuration)
    _patch(CloudTrailResponse, "get_event_configuration", r_get_event_configuration)


# --- CloudWatch composite alarms -------------------------------------------------------


def _patch_cloudwatch() -> None:
    """CloudWatch composite alarms.

    CloudWatch PutCompositeAlarm (botocore ``cloudwatch`` model, PutCompositeAlarmInput;
    DescribeAlarms then returns the alarm under ``CompositeAlarms`` with its ``AlarmRule``,
    DescribeAlarmsOutput). moto has no composite alarms.
    """
    from moto.cloudwatch.responses import CloudWatchResponse

    def put_composite_alarm(self: Any) -> Any:
        # moto's PutMetricAlarm already reads AlarmRule; it marks a composite alarm.
        result = self.put_metric_alarm()
        name = self._get_param("AlarmName")
        alarm = self.cloudwatch_backend.alarms[name]
        alarm.alarm_rule = alarm.rule
        alarm.alarm_description = self._get_param("AlarmDescription")
        return result

    _patch(CloudWatchResponse, "put_composite_alarm", put_composite_alarm)


_DASHBOARDS_ATTR = "_aiposture_dashboards"
_DASHBOARD_HOME = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}
"""The region whose moto backend holds an account's dashboards, per partition."""


def _patch_global_dashboards() -> None:
    """CloudWatch dashboards are global: every region endpoint lists the same ones.

    AWS: a dashboard's ARN has no region (``arn:${Partition}:cloudwatch::${Account}:
    dashboard/${DashboardName}``, Service Authorization Reference for CloudWatch; moto
    builds the same ARN), one dashboard shows widgets of many regions (CloudWatch User
    Guide, cloudwatch_xaxr_dashboard.html), and ListDashboards/GetDashboard answer the
    same from any region endpoint of the partition. moto keeps dashboards per region
    backend; here every region backend of an account shares the dashboards of one region
    of its partition (:data:`_DASHBOARD_HOME`).
    """
    from moto.cloudwatch.models import CloudWatchBackend, cloudwatch_backends
    from moto.utilities.utils import get_partition

    def get(self: Any) -> dict[str, Any]:
        home = _DASHBOARD_HOME.get(get_partition(self.region_name), self.region_name)
        owner = self if home == self.region_name else cloudwatch_backends[self.account_id][home]
        found: dict[str, Any] = owner.__dict__.setdefault(_DASHBOARDS_ATTR, {})
        return found

    def put(self: Any, value: dict[str, Any]) -> None:
        if value:  # moto's __init__ assigns {}: the account's dashboards stay as they are
            get(self).update(value)

    _patch(CloudWatchBackend, "dashboards", property(get, put))  # type: ignore[arg-type]


# --- CloudWatch Logs query definitions -------------------------------------------------


def _patch_query_definitions() -> None:
    """CloudWatch Logs saved queries (query definitions).

    CloudWatch Logs saved queries: PutQueryDefinition, DescribeQueryDefinitions and
    DeleteQueryDefinition (botocore ``logs`` model: PutQueryDefinitionRequest with
    ``queryLanguage`` CWLI, SQL or PPL; DescribeQueryDefinitionsRequest filters on
    ``queryLanguage`` and ``queryDefinitionNamePrefix``, ``maxResults`` 1-1000). moto has none.
    """
    import uuid

    from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
    from moto.logs.responses import LogsResponse

    def store(response: Any) -> dict[str, dict[str, Any]]:
        backend = response.logs_backend
        found: dict[str, dict[str, Any]] | None = getattr(backend, _QUERY_DEFINITIONS_ATTR, None)
        if found is None:
            found = {}
            setattr(backend, _QUERY_DEFINITIONS_ATTR, found)
        return found

    def put_query_definition(self: Any) -> str:
        definitions = store(self)
        definition_id = self._get_param("queryDefinitionId") or str(uuid.uuid4())
        if self._get_param("queryDefinitionId") and definition_id not in definitions:
            raise ResourceNotFoundException("The specified query definition does not exist.")
        definition: dict[str, Any] = {
            "queryDefinitionId": definition_id,
            "name": self._get_param("name"),
            "queryString": self._get_param("queryString"),
            "lastModified": int(_epoch(_utcnow()) * 1000),
        }
        language = self._get_param("queryLanguage") or "CWLI"
        if language not in _QUERY_LANGUAGES:
            raise InvalidParameterException(
                constraint=f"Member must satisfy enum value set: {list(_QUERY_LANGUAGES)}",
                parameter="queryLanguage",
                value=language,
            )
        definition["queryLanguage"] = language
        if self._get_param("logGroupNames"):
            definition["logGroupNames"] = list(self._get_param("logGroupNames"))
        definitions[definition_id] = definition
        return json.dumps({"queryDefinitionId": definition_id})

    def describe_query_definitions(self: Any) -> str:
        prefix = self._get_param("queryDefinitionNamePrefix") or ""
        limit = int(self._get_param("maxResults") or 1000)
        start = int(self._get_param("nextToken") or 0)
        language = self._get_param("queryLanguage")
        matching = sorted(
            (
                d
                for d in store(self).values()
                if str(d["name"]).startswith(prefix)
                and (not language or d["queryLanguage"] == language)
            ),
            key=lambda d: (str(d["name"]), str(d["queryDefinitionId"])),
        )
        page = matching[start : start + limit]
        out: dict[str, Any] = {"queryDefinitions": page}
        if start + limit < len(matching):
            out["nextToken"] = str(start + limit)
        return json.dumps(out)

    def delete_query_definition(self: Any) -> str:
        removed = store(self).pop(self._get_param("queryDefinitionId"), None)
        return json.dumps({"success": removed is not None})

    _patch(LogsResponse, "put_query_definition", put_query_definition)
    _patch(LogsResponse, "describe_query_definitions", describe_query_definitions)
    _patch(LogsResponse, "delete_query_definition", delete_query_definition)


# --- SNS ------------------------------------------------------------------------------


def _pending(subscription: Any) -> bool:
    return getattr(subscription, _PENDING_ATTR, None) is not None


def confirmation_token(account_id: str, region: str, topic_arn: str, endpoint: str) -> str:
    """The token AWS sent to ``endpoint`` for its pending subscription to ``topic_arn``.

    Stands in for the confirmation e-mail or HTTP request: pass it to ``ConfirmSubscription``.
    Raises ``LookupError`` when no subscription of that endpoint is pending. The moto
    backend must run in this process (``mock_aws()`` or ``ThreadedMotoServer``).
    """
    from moto.sns.models import sns_backends

    backend = sns_backends[account_id][region]
    for subscription in backend.subscriptions.values():
        if subscription.topic.arn == topic_arn and subscription.endpoint == endpoint:
            token = getattr(subscription, _PENDING_ATTR, None)
            if token is not None:
                return str(token)
    raise LookupError(f"no pending subscription of {endpoint} to {topic_arn}")


def _patch_sns() -> None:
    """SNS subscriptions that wait for their confirmation token.

    SNS confirmation of email and HTTP(S) subscriptions (SNS Developer Guide, "Subscribing
    to an Amazon SNS topic": such endpoints must confirm with the token AWS sends; botocore
    ``sns`` model: Subscribe answers "pending confirmation", ConfirmSubscription takes
    ``Token``; GetTopicAttributes' ``SubscriptionsConfirmed`` and ``SubscriptionsPending``).
    moto confirms everything at once and ignores the token.
    """
    import secrets

    from moto.core.responses import ActionResult
    from moto.sns.exceptions import SNSInvalidParameter, SNSNotFoundError
    from moto.sns.models import SNSBackend
    from moto.sns.responses import SNSResponse

    original_subscribe: Callable[..., Any] = SNSBackend.subscribe
    original_subscribe_response: Callable[[Any], Any] = SNSResponse.subscribe
    original_attributes: Callable[[Any], Any] = SNSResponse.get_topic_attributes

    def subscribe(self: Any, topic_arn: str, endpoint: str, protocol: str) -> Any:
        existing = self._find_subscription(topic_arn, endpoint, protocol)
        subscription = original_subscribe(self, topic_arn, endpoint, protocol)
        if existing is None and protocol in _CONFIRMED_BY_ENDPOINT:
            setattr(subscription, _PENDING_ATTR, secrets.token_hex(32))
            subscription.attributes["PendingConfirmation"] = True
            subscription.attributes["ConfirmationWasAuthenticated"] = False
        return subscription

    def r_subscribe(self: Any) -> Any:
        result = original_subscribe_response(self)
        found = self.backend._find_subscription(
            self._get_param("TopicArn"), self._get_param("Endpoint"), self._get_param("Protocol")
        )
        wants_arn = str(self._get_param("ReturnSubscriptionArn") or "").lower() == "true"
        if found is not None and _pending(found) and not wants_arn:
            return ActionResult({"SubscriptionArn": "pending confirmation"})
        return result

    def listed(subscriptions: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "SubscriptionArn": "PendingConfirmation" if _pending(sub) else sub.arn,
                "Owner": sub.owner,
                "Protocol": sub.protocol,
                "Endpoint": sub.endpoint,
                "TopicArn": sub.topic.arn,
            }
            for sub in subscriptions
        ]

    def r_list_subscriptions(self: Any) -> Any:
        subs, token = self.backend.list_subscriptions(next_token=self._get_param("NextToken"))
        return ActionResult({"Subscriptions": listed(subs), "NextToken": token})

    def r_list_subscriptions_by_topic(self: Any) -> Any:
        subs, token = self.backend.list_subscriptions_by_topic(
            self._get_param("TopicArn"), next_token=self._get_param("NextToken")
        )
        return ActionResult({"Subscriptions": listed(subs), "NextToken": token})

    def r_confirm_subscription(self: Any) -> Any:
        topic_arn = self._get_param("TopicArn")
        if topic_arn not in self.backend.topics:
            raise SNSNotFoundError("Topic does not exist")
        token = self._get_param("Token")
        for sub in self.backend.subscriptions.values():
            if sub.topic.arn == topic_arn and token and getattr(sub, _PENDING_ATTR, None) == token:
                setattr(sub, _PENDING_ATTR, None)
                sub.confirmed = True
                sub.attributes["PendingConfirmation"] = False
                sub.attributes["ConfirmationWasAuthenticated"] = True
                return ActionResult({"SubscriptionArn": sub.arn})
        raise SNSInvalidParameter("Invalid token")

    def r_get_topic_attributes(self: Any) -> Any:
        topic_arn = self._get_param("TopicArn")
        topic = self.backend.get_topic(topic_arn)
        subs = [s for s in self.backend.subscriptions.values() if s.topic.arn == topic_arn]
        pending = sum(1 for s in subs if _pending(s))
        topic.subscriptions_confimed = len(subs) - pending
        topic.subscriptions_pending = pending
        return original_attributes(self)

    _patch(SNSBackend, "subscribe", subscribe)
    _patch(SNSResponse, "subscribe", r_subscribe)
    _patch(SNSResponse, "list_subscriptions", r_list_subscriptions)
    _patch(SNSResponse, "list_subscriptions_by_topic", r_list_subscriptions_by_topic)
    _patch(SNSResponse, "confirm_subscription", r_confirm_subscription)
    _patch(SNSResponse, "get_topic_attributes", r_get_topic_attributes)


# --- CloudWatch Contributor Insights ---------------------------------------------------


def _patch_insight_rules() -> None:
    """CloudWatch Contributor Insights rule states.

    CloudWatch PutInsightRule's ``RuleState`` (botocore ``cloudwatch`` model,
    PutInsightRuleInput: "the state of the rule. Valid values are ENABLED and DISABLED",
    ENABLED when omitted). moto stores no state, so DescribeInsightRules omitted ``State``.
    """
    from moto.cloudwatch.exceptions import InvalidParameterValue
    from moto.cloudwatch.models import CloudWatchBackend

    original: Callable[..., Any] = CloudWatchBackend.put_insight_rule

    def put_insight_rule(self: Any, name: str, state: str | None, **kwargs: Any) -> Any:
        state = state or "ENABLED"
        if state not in _INSIGHT_RULE_STATES:
            raise InvalidParameterValue(f"RuleState must be one of {list(_INSIGHT_RULE_STATES)}.")
        return original(self, name=name, state=state, **kwargs)

    _patch(CloudWatchBackend, "put_insight_rule", put_insight_rule)


# --- CloudTrail organization trails ----------------------------------------------------


def _management_account_of(account_id: str) -> str | None:
    """The management account of the organization ``account_id`` is a member of, if any."""
    from moto.organizations.models import organizations_backends

    entry = organizations_backends.master_accounts.get(account_id)
    if entry is None or entry[0] == account_id:
        return None
    master = organizations_backends[entry[0]][entry[1]]
    if master.org is None or not any(a.id == account_id for a in master.accounts):
        return None
    return str(entry[0])


def _readable_trail(backend: Any, name_or_arn: str) -> Any:
    """Resolve a trail for a read call: the backend's own, else one it sees by ARN.

    By ARN a caller reads a trail that its ``DescribeTrails`` (with shadow trails) lists:
    its own multi-region trails from another region, and its organization's trails.
    """
    from moto.cloudtrail.exceptions import TrailNotFoundException

    try:
        return backend.get_trail(name_or_arn)
    except TrailNotFoundException:
        if not str(name_or_arn).startswith("arn:"):
            raise
        for trail in backend.describe_trails(include_shadow_trails=True):
            if trail.arn == name_or_arn:
                return trail
        raise


def _arn_account_error(caller: str, name_or_arn: str) -> Exception | None:
    """CloudTrail's answer to a caller naming a trail ARN of another account, if it does."""
    from moto.core.exceptions import JsonRESTError

    parts = str(name_or_arn).split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[4] == caller:
        return None
    return JsonRESTError(
        "CloudTrailARNInvalidException",
        f"AccountID in ARN is wrong, you can only access resources with AccountID {caller}.",
    )


def _owner_read_trail(backend: Any, name_or_arn: str) -> Any:
    """Resolve a trail for a read that only the trail's owner account may make.

    AWS lets a member account see its organization's trail (``DescribeTrails``) and read its
    status (``GetTrailStatus`` with the full ARN: botocore ``cloudtrail`` model 1.44,
    GetTrailStatusRequest.Name, "If the trail is an organization trail and you are a member
    account ... you must provide the full ARN"), but GetEventSelectors, GetInsightSelectors,
    GetEventConfiguration and ListTags on a trail ARN of another account fail with
    ``CloudTrailARNInvalidException`` (in each of those operations' error list in the
    model), "AccountID in ARN is wrong, you can only access resources with AccountID
    <caller>." (CloudTrail User Guide, "Creating a trail for an organization": member
    accounts see the organization trail but cannot change it; the exact message from a
    member account in cloudquery cq-provider-aws issue 405 (ListTags), turbot
    steampipe-plugin-aws issues 577 and 578, and prowler-cloud/prowler pull request 2025
    "list tags only in owned trails"). The caller's own trails, also by ARN from another
    region, are read as before.
    """
    error = _arn_account_error(backend.account_id, name_or_arn)
    if error is not None:
        raise error
    return _readable_trail(backend, name_or_arn)


def _patch_organization_trails() -> None:
    """CloudTrail organization trails as member accounts see them.

    Organization trails seen from member accounts (CloudTrail User Guide, "Creating a
    trail for an organization": member accounts can see the organization trail but cannot
    modify it; reads of its configuration by ARN fail with CloudTrailARNInvalidException,
    in the error lists of GetEventSelectors, GetInsightSelectors, GetEventConfiguration and
    ListTags in the botocore ``cloudtrail`` model; reported by cloudquery cq-provider-aws
    issue 405 and steampipe-plugin-aws issues 577 and 578). DescribeTrails with shadow
    trails lists them; GetTrail and GetTrailStatus work by ARN.
    """
    from moto.cloudtrail.models import CloudTrailBackend, cloudtrail_backends
    from moto.cloudtrail.responses import CloudTrailResponse

    original: Callable[..., Any] = CloudTrailBackend.describe_trails

    def describe_trails(self: Any, include_shadow_trails: bool) -> list[Any]:
        trails = list(original(self, include_shadow_trails))
        management = _management_account_of(self.account_id) if include_shadow_trails else None
        if management is None or management not in cloudtrail_backends:
            return trails
        seen = {t.arn for t in trails}
        for backend in list(cloudtrail_backends[management].values()):
            for trail in list(backend.trails.values()):
                if (
                    trail.is_org_trail
                    and (trail.is_multi_region or trail.region_name == self.region_name)
                    and trail.arn not in seen
                ):
                    trails.append(trail)
        return trails

    def r_get_trail(self: Any) -> str:
        trail = _readable_trail(self.cloudtrail_backend, self._get_param("Name"))
        return json.dumps({"Trail": trail.description(include_region=True)})

    original_list_tags: Callable[[Any], str] = CloudTrailResponse.list_tags

    def r_list_tags(self: Any) -> str:
        # ListTags on another account's trail: see _owner_read_trail.
        for resource_id in json.loads(self.body).get("ResourceIdList") or []:
            error = _arn_account_error(self.cloudtrail_backend.account_id, resource_id)
            if error is not None:
                raise error
        return original_list_tags(self)

    _patch(CloudTrailBackend, "describe_trails", describe_trails)
    _patch(CloudTrailResponse, "get_trail", r_get_trail)
    _patch(CloudTrailResponse, "list_tags", r_list_tags)


# --- what a filter or rule sees ------------------------------------------------------------

_FILTER_EXTRAS = ("applyOnTransformedLogs", "fieldSelectionCriteria", "emitSystemFieldDimensions")
_SUBSCRIPTION_EXTRAS = ("applyOnTransformedLogs", "fieldSelectionCriteria", "emitSystemFields")
_CRITERIA_MAX = 2000
_SYSTEM_FIELDS = {
    "emitSystemFieldDimensions": frozenset({"@aws.account", "@aws.region"}),
    "emitSystemFields": frozenset({"@aws.account", "@aws.region", "@source.log"}),
}


def _patch_filter_inputs() -> None:
    """Keep what a metric filter, subscription filter or Contributor Insights rule reads.

    Follows the botocore 1.44 models (``logs``: PutMetricFilterRequest, MetricFilter,
    PutSubscriptionFilterRequest, SubscriptionFilter; ``cloudwatch``: PutInsightRuleInput,
    InsightRule), where moto drops the fields:

    - ``fieldSelectionCriteria``: "Maximum length: 2000 characters" (model ``max: 2000``;
      botocore validates only minimums, so the service check is emulated here):
      InvalidParameterException beyond it.
    - ``emitSystemFieldDimensions``: "Valid values are @aws.account and @aws.region";
      ``emitSystemFields``: "@aws.account, @aws.region, and @source.log". Any other value
      is an InvalidParameterException.
    - ``applyOnTransformedLogs`` / ``ApplyOnTransformedLogs`` are stored and returned as
      given. The documentation says the filter flag "is valid only for log groups that have
      an active log transformer" without naming an error for other groups, and moto has no
      transformers, so no rejection is invented; aiposture never reads transformers and
      judges any filter with the flag set as unknown (ERROR), so this cannot flatter it.
    """
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.logs.exceptions import InvalidParameterException
    from moto.logs.models import SubscriptionFilter
    from moto.logs.responses import LogsResponse

    original_put_filter: Callable[[Any], str] = LogsResponse.put_metric_filter
    original_put_subscription: Callable[[Any], str] = LogsResponse.put_subscription_filter
    original_subscription_json: Callable[[Any], dict[str, Any]] = SubscriptionFilter.to_json
    original_put_rule: Callable[[Any], Any] = CloudWatchResponse.put_insight_rule

    def extras(response: Any, names: tuple[str, ...]) -> dict[str, Any]:
        found = {n: response._get_param(n) for n in names}
        criteria = found.get("fieldSelectionCriteria")
        if isinstance(criteria, str) and len(criteria) > _CRITERIA_MAX:
            raise InvalidParameterException(
                constraint=f"Maximum length of {_CRITERIA_MAX}.",
                parameter="fieldSelectionCriteria",
                value=criteria,
            )
        for name, allowed in _SYSTEM_FIELDS.items():
            bad = [v for v in found.get(name) or [] if v not in allowed]
            if bad:
                raise InvalidParameterException(
                    constraint=f"Valid values are {', '.join(sorted(allowed))}.",
                    parameter=name,
                    value=str(bad[0]),
                )
        return {k: v for k, v in found.items() if v is not None}

    def put_metric_filter(self: Any) -> str:
        more = extras(self, _FILTER_EXTRAS)
        result = original_put_filter(self)
        name, group = self._get_param("filterName"), self._get_param("logGroupName")
        for entry in self.logs_backend.filters.metric_filters:
            if (entry["logGroupName"], entry["filterName"]) == (group, name):
                entry.update(more)
        return result

    def put_subscription_filter(self: Any) -> str:
        more = extras(self, _SUBSCRIPTION_EXTRAS)
        result = original_put_subscription(self)
        group = self.logs_backend.groups[self._get_param("logGroupName")]
        for item in group.describe_subscription_filters():
            if item.name == self._get_param("filterName"):
                item.aiposture_extras = more
        return result

    def subscription_json(self: Any) -> dict[str, Any]:
        return {**original_subscription_json(self), **getattr(self, "aiposture_extras", {})}

    def put_insight_rule(self: Any) -> Any:
        result = original_put_rule(self)
        rule = self.cloudwatch_backend.insight_rules[self._get_param("RuleName")]
        rule.aiposture_transformed = self._get_param("ApplyOnTransformedLogs")
        return result

    def describe_insight_rules(self: Any) -> Any:
        from moto.core.responses import ActionResult

        rules = [
            {
                "Name": r.name,
                "State": r.state,
                "Schema": r.schema,
                "Definition": r.definition,
                "ManagedRule": r.managed_rule,
                **(
                    {"ApplyOnTransformedLogs": r.aiposture_transformed}
                    if getattr(r, "aiposture_transformed", None) is not None
                    else {}
                ),
            }
            for r in self.cloudwatch_backend.describe_insight_rules()
        ]
        return ActionResult({"InsightRules": rules})

    _patch(LogsResponse, "put_metric_filter", put_metric_filter)
    _patch(LogsResponse, "put_subscription_filter", put_subscription_filter)
    _patch(SubscriptionFilter, "to_json", subscription_json)
    _patch(CloudWatchResponse, "put_insight_rule", put_insight_rule)
    _patch(CloudWatchResponse, "describe_insight_rules", describe_insight_rules)


# --- log alarms ----------------------------------------------------------------------------

_LOG_ALARMS_ATTR = "_aiposture_log_alarms"
_LOG_ALARM_FIELDS = (
    "AlarmDescription",
    "ScheduledQueryConfiguration",
    "ActionLogLineCount",
    "ActionLogLineRoleArn",
    "ActionsEnabled",
    "OKActions",
    "AlarmActions",
    "InsufficientDataActions",
    "QueryResultsToEvaluate",
    "QueryResultsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
)
_LOG_ALARM_MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")
_LOG_ALARM_MAX_RESULTS = 100
_ALARM_ACTIONS_MAX = 5


def _patch_log_alarms() -> None:
    """CloudWatch log alarms (moto has none), as the botocore 1.44 ``cloudwatch`` model says.

    - ``PutLogAlarm`` creates or replaces ("If you call this operation with the name of an
      existing log alarm, the operation replaces the previous configuration") and checks what
      the service documents and botocore does not validate client-side:
      ``QueryResultsToEvaluate`` "Valid range is 1 through 100"; ``QueryResultsToAlarm``
      "Must be less than or equal to QueryResultsToEvaluate"; ``TreatMissingData`` "Valid
      values are breaching, notBreaching, ignore, and missing"; ``EndTimeOffset`` "Must be
      non-negative and less than StartTimeOffset"; each action list ``max: 5``
      (InvalidParameterValue). The name "must be unique within the Amazon Web Services
      account and Region": a metric or composite alarm of that name is a ResourceConflict,
      the error the operation lists.
    - ``ScheduledQueryConfiguration.QueryARN`` "is populated in DescribeAlarms responses".
    - ``DescribeAlarms``: "If you omit this parameter [AlarmTypes], only metric alarms are
      returned, even if composite alarms or log alarms exist" (moto returns both metric and
      composite alarms always); ``LogAlarm`` adds ``LogAlarms``, filtered by the same
      ``AlarmNames``, ``AlarmNamePrefix``, ``StateValue`` and ``ActionPrefix`` as the others.
    """
    from moto.cloudwatch.exceptions import CloudWatchException, InvalidParameterValue
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import ActionResult, EmptyResult
    from moto.core.utils import utcnow
    from moto.utilities.utils import get_partition

    original_describe: Callable[[Any], Any] = CloudWatchResponse.describe_alarms

    def log_alarms(backend: Any) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] | None = getattr(backend, _LOG_ALARMS_ATTR, None)
        if found is None:
            found = {}
            setattr(backend, _LOG_ALARMS_ATTR, found)
        return found

    def check(alarm: dict[str, Any]) -> None:
        evaluate = int(alarm.get("QueryResultsToEvaluate") or 0)
        if not 1 <= evaluate <= _LOG_ALARM_MAX_RESULTS:
            raise InvalidParameterValue("QueryResultsToEvaluate must be between 1 and 100.")
        if int(alarm.get("QueryResultsToAlarm") or 0) > evaluate:
            raise InvalidParameterValue(
                "QueryResultsToAlarm must be less than or equal to QueryResultsToEvaluate."
            )
        missing = alarm.get("TreatMissingData")
        if missing is not None and missing not in _LOG_ALARM_MISSING_DATA:
            raise InvalidParameterValue(f"Invalid value {missing!r} for TreatMissingData.")
        schedule = (alarm.get("ScheduledQueryConfiguration") or {}).get(
            "ScheduleConfiguration"
        ) or {}
        end = int(schedule.get("EndTimeOffset") or 0)
        if end >= int(schedule.get("StartTimeOffset") or 0):
            raise InvalidParameterValue("EndTimeOffset must be less than StartTimeOffset.")
        for key in ("OKActions", "AlarmActions", "InsufficientDataActions"):
            if len(alarm.get(key) or []) > _ALARM_ACTIONS_MAX:
                raise InvalidParameterValue(f"{key} can have at most 5 actions.")

    def put_log_alarm(self: Any) -> Any:
        backend = self.cloudwatch_backend
        name = self._get_param("AlarmName")
        if name in backend.alarms:
            raise CloudWatchException("ResourceConflict", f"An alarm named {name} already exists.")
        partition = get_partition(backend.region_name)
        alarm: dict[str, Any] = {
            "AlarmName": name,
            "AlarmArn": f"arn:{partition}:cloudwatch:{backend.region_name}:"
            f"{backend.account_id}:alarm:{name}",
            "StateValue": "INSUFFICIENT_DATA",
            "StateUpdatedTimestamp": utcnow(),
            "AlarmConfigurationUpdatedTimestamp": utcnow(),
            "ActionsEnabled": True,
        }
        for key in _LOG_ALARM_FIELDS:
            value = self._get_param(key)
            if value is not None:
                alarm[key] = value
        check(alarm)
        config = dict(alarm.get("ScheduledQueryConfiguration") or {})
        config["QueryARN"] = (
            f"arn:{partition}:logs:{backend.region_name}:{backend.account_id}:scheduled-query:"
            f"cloudwatch-alarm-{name}"
        )
        alarm["ScheduledQueryConfiguration"] = config
        log_alarms(backend)[name] = alarm
        return EmptyResult()

    def selected(self: Any, alarms: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = self._get_param("AlarmNames") or []
        prefix = self._get_param("AlarmNamePrefix")
        state = self._get_param("StateValue")
        action = self._get_param("ActionPrefix")
        return [
            a
            for a in alarms
            if (not names or a["AlarmName"] in names)
            and (not prefix or a["AlarmName"].startswith(prefix))
            and (not state or a["StateValue"] == state)
            and (
                not action
                or any(
                    str(x).startswith(action)
                    for k in ("OKActions", "AlarmActions", "InsufficientDataActions")
                    for x in a.get(k) or []
                )
            )
        ]

    def describe_alarms(self: Any) -> Any:
        result = original_describe(self)
        types = self._get_param("AlarmTypes") or ["MetricAlarm"]
        out = dict(result.result)
        if "MetricAlarm" not in types:
            out["MetricAlarms"] = []
        if "CompositeAlarm" not in types:
            out["CompositeAlarms"] = []
        if "LogAlarm" in types:
            out["LogAlarms"] = selected(self, list(log_alarms(self.cloudwatch_backend).values()))
        return ActionResult(out)

    _patch(CloudWatchResponse, "put_log_alarm", put_log_alarm)
    _patch(CloudWatchResponse, "describe_alarms", describe_alarms)
