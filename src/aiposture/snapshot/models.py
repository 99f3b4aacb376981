"""Typed evidence: everything the collectors read, and every call that failed.

A field that is ``None`` means "not read"; the reason is a :class:`CallError` in the
owning object's ``errors``. An empty list means "read, and there was nothing".
Raw API payloads are kept verbatim (``raw`` and selector lists) so that a newer
catalog can judge an archived snapshot again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from aiposture.errors import ConfigError
from aiposture.ids import AccountId
from aiposture.snapshot.access import BucketEncryption, IamPosture, VpcEndpoints
from aiposture.snapshot.history import EventHistory, Period
from aiposture.snapshot.shards import SCAN_ID_PATTERN, format_shard, parse_shard, shard_accounts

SCHEMA_VERSION = "1"

INSIGHTS_UNSUPPORTED_CODE = "UnsupportedOperationException"
"""The error code of CloudTrail GetInsightSelectors when Insights are not available for
the trail (see :attr:`Trail.insights_unsupported`)."""

BEDROCK_SERVICE = "bedrock"
"""The botocore service name (and endpoint prefix) of the Bedrock control plane: its key
in :attr:`RegionSnapshot.services_not_offered`."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class ToolInfo(_Model):
    """The tool that wrote a file."""

    name: str = "aiposture"
    version: str


class CallError(_Model):
    """One AWS call that failed, kept as evidence."""

    service: str
    operation: str
    region: str | None = None
    account_id: str | None = None
    resource: str | None = None
    error_code: str
    message: str


class CallerIdentity(_Model):
    """STS GetCallerIdentity."""

    account: str
    arn: str
    user_id: str


class OrganizationInfo(_Model):
    """Organizations DescribeOrganization, as seen from one account."""

    id: str
    arn: str
    master_account_id: str
    feature_set: str | None = None


class TrailStatus(_Model):
    """CloudTrail GetTrailStatus, read in the trail's home region."""

    is_logging: bool
    latest_delivery_time: datetime | None = None
    latest_delivery_error: str | None = None
    latest_cloudwatch_logs_delivery_time: datetime | None = None
    latest_cloudwatch_logs_delivery_error: str | None = None
    time_logging_started: datetime | None = None
    time_logging_stopped: datetime | None = None


class EventSelectors(_Model):
    """CloudTrail GetEventSelectors: exactly the lists the API returned.

    ``advanced`` is set when the trail uses advanced selectors; ``classic`` when it uses
    classic ones. Neither means the API returned no selectors. ``advanced == []`` with no
    classic list is "advanced selectors, none": the trail logs no events (see
    :attr:`logs_nothing`), not the classic default that logs every management event.
    """

    advanced: list[dict[str, Any]] | None = None
    classic: list[dict[str, Any]] | None = None

    @property
    def logs_nothing(self) -> bool:
        """True for advanced selectors with an empty list: the trail logs no events."""
        return self.advanced == [] and not self.classic

    @property
    def mode(self) -> Literal["advanced", "classic", "none"]:
        """Which kind of selectors the trail uses (B.7 of the spec)."""
        if self.advanced or self.logs_nothing:
            return "advanced"
        if self.classic is not None:
            return "classic"
        return "none"

    def as_api(self) -> dict[str, Any]:
        """The selectors in GetEventSelectors response form, for the selector evaluator."""
        if self.advanced or self.logs_nothing:
            return {"AdvancedEventSelectors": self.advanced}
        if self.classic is not None:
            return {"EventSelectors": self.classic}
        return {}


class Trail(_Model):
    """One CloudTrail trail, with the details read in its home region."""

    arn: str
    name: str
    home_region: str
    owner_account_id: str
    is_multi_region: bool = False
    is_organization_trail: bool = False
    include_global_service_events: bool = True
    s3_bucket_name: str | None = None
    cloudwatch_logs_log_group_arn: str | None = None
    cloudwatch_logs_role_arn: str | None = None
    kms_key_id: str | None = None
    log_file_validation_enabled: bool = False
    has_custom_event_selectors: bool | None = None
    has_insight_selectors: bool | None = None
    status: TrailStatus | None = None
    event_selectors: EventSelectors | None = None
    insight_selectors: list[dict[str, Any]] | None = None
    aggregation: dict[str, Any] | None = None
    """CloudTrail GetEventConfiguration for the trail, verbatim (``AggregationConfigurations``
    holds the event aggregation settings); ``None`` when not read."""
    tags: dict[str, str] | None = None
    """CloudTrail ListTags for the trail; ``None`` when not read."""
    owner_reads_skipped: bool = False
    """True when this copy was read by an account that does not own the trail (an
    organization trail seen from a member account). CloudTrail lets only the owner account
    call GetEventSelectors, GetInsightSelectors, GetEventConfiguration and ListTags on it
    (another account gets CloudTrailARNInvalidException), so they were not called: the
    selectors, Insights selectors, aggregation and tags of this copy are ``None`` and only
    the owner account's copy can hold them. Snapshots written before this field read
    ``False``."""
    errors: list[CallError] = Field(default_factory=list)
    raw: dict[str, Any] = Field(default_factory=dict)

    @property
    def insights_unsupported(self) -> CallError | None:
        """GetInsightSelectors' ``UnsupportedOperationException`` for this trail, if AWS gave it.

        CloudTrail answers so when Insights are not available for the trail (in its home
        region): "the requested operation is not supported" (botocore ``cloudtrail``
        model, GetInsightSelectors errors). The trail cannot have Insights, which is not
        the same as a read that failed.
        """
        for error in self.errors:
            if error.operation == "GetInsightSelectors" and error.error_code == (
                INSIGHTS_UNSUPPORTED_CODE
            ):
                return error
        return None

    @property
    def completeness(self) -> int:
        """How many of the trail's detail reads succeeded (status, selectors, Insights)."""
        return sum(
            x is not None for x in (self.status, self.event_selectors, self.insight_selectors)
        )

    @property
    def cloudwatch_logs_log_group_name(self) -> str | None:
        """The delivery log group's name, parsed from its ARN."""
        arn = self.cloudwatch_logs_log_group_arn
        if not arn or ":log-group:" not in arn:
            return None
        name = arn.split(":log-group:", 1)[1]
        return name[:-2] if name.endswith(":*") else name

    @property
    def cloudwatch_logs_region(self) -> str | None:
        """The region of the delivery log group, parsed from its ARN."""
        arn = self.cloudwatch_logs_log_group_arn
        parts = arn.split(":") if arn else []
        return parts[3] if len(parts) > 3 else None


class LogGroup(_Model):
    """A CloudWatch Logs log group that receives CloudTrail or invocation logs."""

    name: str
    arn: str
    region: str
    account_id: str
    log_group_class: str | None = None
    retention_in_days: int | None = None
    kms_key_id: str | None = None
    raw: dict[str, Any] = Field(default_factory=dict)


class InvocationLogging(_Model):
    """Bedrock GetModelInvocationLoggingConfiguration (``config`` is the raw loggingConfig)."""

    config: dict[str, Any] = Field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        """True when a destination (CloudWatch Logs or S3) is configured."""
        return bool(self.config.get("cloudWatchConfig") or self.config.get("s3Config"))

    @property
    def cloudwatch_log_group(self) -> str | None:
        """The CloudWatch Logs log group name, when that destination is configured."""
        cw = self.config.get("cloudWatchConfig") or {}
        name = cw.get("logGroupName")
        return str(name) if name else None


class SnsTopic(_Model):
    """An SNS topic that an alarm notifies: GetTopicAttributes and ListSubscriptionsByTopic."""

    attributes: dict[str, Any] | None = None
    subscriptions: list[dict[str, Any]] | None = None


class InventoryItem(_Model):
    """One AI resource a List call returned (see :mod:`aiposture.snapshot.inventory`)."""

    arn: str
    """The resource's ARN, as AWS returned it (or built from the ids where the listing gives
    none, as the collector's docstring says)."""
    id: str
    """The resource's id (for a child kind, its own id: an alias id, a target id)."""
    name: str | None = None
    status: str | None = None
    parent_arn: str | None = None
    """For a child kind (agent alias, flow alias, gateway target, runtime endpoint): the
    parent's ARN."""
    updated_at: datetime | None = None
    """When AWS says it last changed (``updatedAt``/``lastUpdatedTime``...), if it says."""
    details: dict[str, Any] | None = None
    """The resource's own Get call answer (e.g. GetGuardrail, GetAgent), as botocore parses
    it, without ``ResponseMetadata``: read for the kinds the AI posture checks judge
    (:data:`aiposture.snapshot.inventory.DETAIL_OPERATIONS`). ``None`` when not read; a
    failed read is a :class:`CallError` whose ``resource`` is this item's ARN."""


class AgentTelemetry(_Model):
    """Pipeline B (agent telemetry), read by :mod:`aiposture.collect.agent_telemetry`.

    A member is ``None`` when its read failed (a :class:`CallError` in the region's errors).
    """

    trace_segment_destination: dict[str, Any] | None = None
    """X-Ray GetTraceSegmentDestination ``Destination`` and ``Status``, verbatim."""
    indexing_rules: list[dict[str, Any]] | None = None
    """X-Ray GetIndexingRules ``IndexingRules`` (every page)."""
    spans_log_group_read: bool = False
    """Whether DescribeLogGroups for ``aws/spans`` answered."""
    spans_log_group: LogGroup | None = None
    """The ``aws/spans`` log group; ``None`` when it does not exist (or was not read)."""
    spans_latest_streams: list[dict[str, Any]] | None = None
    """DescribeLogStreams on ``aws/spans``, newest event first, limit 1 (``[]``: no stream)."""
    runtime_log_groups: list[LogGroup] | None = None
    """The log groups ``/aws/bedrock-agentcore/runtimes/*`` (every page)."""


class MetricUse(_Model):
    """The sum of one usage metric over the usage window (CloudWatch GetMetricData)."""

    namespace: str
    metric: str
    dimensions: dict[str, str] = Field(default_factory=dict)
    total: float
    """Sum over the window; 0 when the metric exists but had no data points."""


class Usage(_Model):
    """Signs of AI use in one region: the AWS/Bedrock (and AgentCore) metrics over a window."""

    window_days: int
    start: datetime
    end: datetime
    metrics: list[MetricUse] = Field(default_factory=list)


class RegionSnapshot(_Model):
    """What was read in one region of one account.

    The detection layer (metric filters to dashboards) is kept as raw API payloads. For
    the per-log-group maps (``metric_filters``, ``subscription_filters``) a log group
    whose read failed has no key; its :class:`CallError` names it in ``resource``.
    """

    region: str
    trail_arns: list[str] | None = None
    log_groups: list[LogGroup] = Field(default_factory=list)
    invocation_logging: InvocationLogging | None = None
    metric_filters: dict[str, list[dict[str, Any]]] | None = None
    """Logs DescribeMetricFilters, per log group name in ``log_groups``."""
    subscription_filters: dict[str, list[dict[str, Any]]] | None = None
    """Logs DescribeSubscriptionFilters, per log group name in ``log_groups``."""
    alarms: list[dict[str, Any]] | None = None
    """CloudWatch DescribeAlarms ``MetricAlarms``."""
    composite_alarms: list[dict[str, Any]] | None = None
    """CloudWatch DescribeAlarms ``CompositeAlarms``."""
    log_alarms: list[dict[str, Any]] | None = None
    """CloudWatch DescribeAlarms ``LogAlarms`` (alarms on scheduled Logs Insights queries)."""
    sns_topics: dict[str, SnsTopic] | None = None
    """The same-account, same-region SNS topics in the alarms' actions, by topic ARN."""
    insight_rules: list[dict[str, Any]] | None = None
    """CloudWatch DescribeInsightRules (Contributor Insights)."""
    query_definitions: list[dict[str, Any]] | None = None
    """Logs DescribeQueryDefinitions (saved Logs Insights queries)."""
    dashboards: dict[str, str] | None = None
    """CloudWatch dashboard name -> DashboardBody (ListDashboards, GetDashboard), as
    snapshots written before dashboards were read once per account hold them (now
    :attr:`AccountSnapshot.dashboards`; this stays ``None``)."""
    guardduty_detectors: list[dict[str, Any]] | None = None
    """GuardDuty GetDetector for each detector of ListDetectors, with ``DetectorId``."""
    inventory: dict[str, list[InventoryItem]] | None = None
    """The AI resources in the region, by :attr:`~aiposture.snapshot.inventory.ResourceKind.key`.
    A kind whose listing failed has no key (its :class:`CallError` is in ``errors``); a kind
    whose service is not offered here has no key either (see ``services_not_offered``).
    ``None``: not read (snapshots written before the inventory existed)."""
    usage: Usage | None = None
    """Signs of AI use in the region; ``None`` when not read or the read failed."""
    agent_telemetry: AgentTelemetry | None = None
    """Pipeline B; ``None`` when not read (Bedrock not offered, or an older snapshot)."""
    services_not_offered: dict[str, str] = Field(default_factory=dict)
    """Services (botocore endpoint prefix, e.g. ``bedrock``) that the installed botocore's
    endpoint data says are not offered in this region, with that reason: they were not
    called, and their checks here are NOT_APPLICABLE. Snapshots written before this field
    read ``{}`` (every service was called)."""
    vpc_endpoints: VpcEndpoints | None = None
    """The region's VPCs and their Bedrock/AgentCore interface endpoints; ``None`` when not
    read (snapshots written before it)."""
    invocation_bucket_encryption: BucketEncryption | None = None
    """Default encryption of the S3 bucket model invocation logging writes to; ``None``
    when not read, or when no S3 destination is configured."""
    event_history: EventHistory | None = None
    """The monitoring changes LookupEvents returned over the period
    (:mod:`aiposture.snapshot.history`); ``None`` when history was not read (``--no-history``,
    or a snapshot written before it)."""
    errors: list[CallError] = Field(default_factory=list)


class AccountSnapshot(_Model):
    """Everything read in one account."""

    account_id: AccountId
    identity_arn: str | None = None
    enabled_regions: list[str] | None = None
    scanned_regions: list[str] = Field(default_factory=list)
    organization: OrganizationInfo | None = None
    trails: list[Trail] = Field(default_factory=list)
    regions: dict[str, RegionSnapshot] = Field(default_factory=dict)
    dashboards: dict[str, str] | None = None
    """CloudWatch dashboard name -> DashboardBody (ListDashboards, GetDashboard), read once
    for the account in :attr:`dashboards_region`: dashboards are not regional resources
    (every region endpoint lists the same ones; their ARN has no region), so they sit here
    rather than in a :class:`RegionSnapshot`. Failed reads are in :attr:`errors`. ``None``
    when not read; snapshots written before this field hold them per region
    (:attr:`RegionSnapshot.dashboards`), see :meth:`dashboard_bodies`."""
    dashboards_region: str | None = None
    """The region whose CloudWatch endpoint :attr:`dashboards` was read from (the first
    scanned region, or the partition's default region when none was scanned)."""
    iam: IamPosture | None = None
    """IAM evidence for the AI access checks (Bedrock API keys, agent roles, full-access
    attachments), read once per account; ``None`` when not read."""
    errors: list[CallError] = Field(default_factory=list)

    @property
    def dashboards_per_account(self) -> bool:
        """True when the dashboards were read once for the account.

        That is, this snapshot holds :attr:`dashboards` or a failed ListDashboards in
        :attr:`errors`; False for a snapshot written when they were read per region.
        """
        return self.dashboards is not None or any(
            e.operation == "ListDashboards" for e in self.errors
        )

    def dashboard_bodies(self) -> dict[str, str]:
        """Every dashboard body the snapshot holds for the account, by name.

        The account-wide read, or, in a snapshot written when dashboards were read per
        region, the regions' reads joined (the first region that holds a name wins: every
        region lists the same dashboards).
        """
        if self.dashboards_per_account:
            return dict(self.dashboards or {})
        bodies: dict[str, str] = {}
        for reg in self.regions.values():
            for name, body in (reg.dashboards or {}).items():
                bodies.setdefault(name, body)
        return bodies

    def all_errors(self) -> list[CallError]:
        """Every failed call recorded anywhere in this account."""
        out = list(self.errors)
        for trail in self.trails:
            out.extend(trail.errors)
        for reg in self.regions.values():
            out.extend(reg.errors)
        return out


class ScanPlan(_Model):
    """What a scan set out to read, fixed before its first account is read.

    It lets ``merge`` prove that a set of snapshots is one whole scan, and lets the
    evaluation judge every planned account that holds no evidence as ERROR (see
    :meth:`Snapshot.missing_accounts`). The plan's regions are
    :attr:`Snapshot.regions_requested`; what each account actually read is its
    :attr:`AccountSnapshot.scanned_regions`.
    """

    scan_id: str = Field(pattern=SCAN_ID_PATTERN)
    """Names the scan, the same in each of its shards and kept by a resumed scan: the
    ``--scan-id`` given to every shard (a CI run id), or else
    :func:`~aiposture.snapshot.shards.plan_scan_id`, a hash of the plan."""
    accounts: list[AccountId]
    """Every account the scan intended to read, before sharding, in plan order."""
    shard: str | None = None
    """``"K/N"`` when this snapshot collects shard K of N of :attr:`accounts`; ``None`` for
    the whole plan (an unsharded scan, or merged shards)."""

    @field_validator("accounts")
    @classmethod
    def _once_each(cls, accounts: list[str]) -> list[str]:
        seen: set[str] = set()
        repeated: set[str] = set()
        for account_id in accounts:
            (repeated if account_id in seen else seen).add(account_id)
        twice = sorted(repeated)
        if twice:
            raise ValueError(f"accounts planned twice: {', '.join(twice)}")
        return accounts

    @field_validator("shard")
    @classmethod
    def _k_of_n(cls, shard: str | None) -> str | None:
        if shard is None:
            return None
        try:
            return format_shard(*parse_shard(shard))
        except ConfigError as exc:
            raise ValueError(str(exc)) from exc

    @property
    def shard_k_n(self) -> tuple[int, int] | None:
        """The shard as ``(K, N)``, or ``None`` for the whole plan."""
        return parse_shard(self.shard) if self.shard is not None else None

    def shard_accounts(self) -> list[str]:
        """The planned accounts this snapshot is to hold: its shard's, or all of them."""
        k_n = self.shard_k_n
        return shard_accounts(self.accounts, *k_n) if k_n else list(self.accounts)


class Snapshot(_Model):
    """The evidence file: one scan's worth of reads, with the failures."""

    schema_version: str = SCHEMA_VERSION
    tool: ToolInfo
    started_at: datetime
    finished_at: datetime
    identity: CallerIdentity | None = None
    partition: str = "aws"
    regions_requested: list[str] | None = None
    plan: ScanPlan | None = None
    """The scan's id and plan; ``None`` in snapshots written before plans were recorded,
    which therefore cannot prove that they hold every account their scan intended."""
    period: Period | None = None
    """The audit period whose event history was read; ``None`` when none was
    (``--no-history``): the continuity checks are then not applicable."""
    accounts: list[AccountSnapshot] = Field(default_factory=list)
    errors: list[CallError] = Field(default_factory=list)
    _account_index: tuple[list[AccountSnapshot], int, dict[str, AccountSnapshot]] | None = (
        PrivateAttr(default=None)
    )

    def account(self, account_id: str) -> AccountSnapshot | None:
        """The account with this id, if it was scanned (indexed: rules ask once per check)."""
        index = self._account_index
        if index is None or index[0] is not self.accounts or index[1] != len(self.accounts):
            index = (self.accounts, len(self.accounts), {a.account_id: a for a in self.accounts})
            self._account_index = index
        found = index[2].get(account_id)
        if found is not None and found.account_id == account_id:
            return found
        return next((a for a in self.accounts if a.account_id == account_id), None)

    def missing_accounts(self) -> list[str]:
        """The planned accounts (of this snapshot's shard) that it holds no evidence for.

        In plan order. They were planned but not collected (an interrupted scan evaluated
        as it is, or a shard left out of a merge allowed to be partial); the evaluation
        judges every check on them ERROR. Empty for a snapshot without a plan.
        """
        if self.plan is None:
            return []
        held = {a.account_id for a in self.accounts}
        return [a for a in self.plan.shard_accounts() if a not in held]

    def all_trails(self) -> list[Trail]:
        """Every trail read, in every account, one copy per ARN.

        An organization trail can be read from its owner and, as a shadow trail, from
        members, where some reads may be denied. The most complete copy wins, and on a tie
        the copy read in the owner account.
        """
        best: dict[str, tuple[tuple[int, bool], Trail]] = {}
        for acct in self.accounts:
            for trail in acct.trails:
                rank = (trail.completeness, trail.owner_account_id == acct.account_id)
                if trail.arn not in best or rank > best[trail.arn][0]:
                    best[trail.arn] = (rank, trail)
        return [trail for _, trail in best.values()]
