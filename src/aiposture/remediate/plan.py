"""The fix plan: typed, ordered steps per account, each naming the results it fixes.

A plan is data. :mod:`aiposture.remediate.build` makes it from a snapshot and its
results; the renderers (shell script, CloudFormation, Terraform, Markdown) only print it;
:mod:`aiposture.remediate.apply` plays it on a snapshot to verify it. Every value in a
step is real: account, region, trail, log group, topic. Where the plan lacks a value it
holds an :class:`Unresolved` step naming the config key to set, never a placeholder.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from aiposture.results import Status

PLAN_SCHEMA_VERSION = "1"

ResultKey = tuple[str, str | None, str | None, str | None]
"""(check id, account, region, resource ARN): one result, before and after a change."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Target(_Model):
    """A failing result a step is meant to turn into PASS."""

    check_id: str
    account_id: str | None
    region: str | None
    resource_arn: str | None = None
    """The resource of a per-resource check (a trail, an agent, a guardrail, a log group...:
    :func:`aiposture.remediate.planning.result_key`); ``None`` for the others."""
    title: str = ""
    seed_refs: list[str] = Field(default_factory=list)

    @property
    def key(self) -> ResultKey:
        """How results are matched before and after."""
        return (self.check_id, self.account_id, self.region, self.resource_arn)


class _Step(_Model):
    """What every step has: where it applies, why, and what it fixes."""

    account_id: str
    """The account the change is made in (an organization trail's owner, a log group's owner)."""
    region: str
    """The region the API call goes to (a trail's home region)."""
    targets: list[Target] = Field(default_factory=list)
    reason: str
    """One or two sentences: what is wrong now and what the change does."""
    notes: list[str] = Field(default_factory=list)
    """Further facts for the reader: cost, what is kept, what was chosen and why."""
    operation: ClassVar[str] = ""
    """The AWS CLI ``service operation`` the step makes (empty for :class:`Unresolved`)."""
    subject_template: ClassVar[str] = ""
    """How :attr:`subject` is written: a :meth:`str.format` template over the step's fields."""

    @property
    def subject(self) -> str:
        """The name of what the step changes (a trail, a filter, an alarm...)."""
        return self.subject_template.format_map(vars(self))


class TrailStep(_Step):
    """A change to an existing trail."""

    trail_name: str
    trail_arn: str
    trail: dict[str, Any] = Field(default_factory=dict)
    """The trail as read (DescribeTrails, plus ``Tags`` and ``IsLogging``), for renderers
    that must state the whole resource (CloudFormation and Terraform import)."""
    subject_template: ClassVar[str] = "{trail_name}"


class StartLogging(TrailStep):
    """``cloudtrail start-logging``: the trail exists but records nothing."""

    kind: Literal["start_logging"] = "start_logging"
    operation: ClassVar[str] = "cloudtrail start-logging"


class UpdateTrail(TrailStep):
    """``cloudtrail update-trail`` with only the settings named here (never turns anything off)."""

    kind: Literal["update_trail"] = "update_trail"
    operation: ClassVar[str] = "cloudtrail update-trail"
    enable_log_file_validation: bool | None = None


class DataEventCost(_Model):
    """What a new or repaired data-event selector is expected to cost: an estimate.

    ``events_per_day`` comes from the usage metrics of the places the selector serves;
    ``None`` when no usage signal exists for the type (volume unknown, never zero).
    """

    resource_type: str
    price_usd_per_100k: float
    """The price used (``remediation.data_event_price_usd_per_100k``)."""
    events_per_day: float | None = None
    usd_per_month: float | None = None
    """``events_per_day`` x 30 x price / 100,000."""
    basis: str
    """Where the volume comes from, or why it is unknown."""
    unknown_places: list[str] = Field(default_factory=list)
    """``account/region`` whose volume is unknown (not counted in the figures)."""


class SelectorChange(_Model):
    """One selector of the merged list, compared with what the trail had."""

    name: str
    change: Literal["kept", "added", "replaced", "converted"]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    why: str = ""
    cost: DataEventCost | None = None
    """For an added or repaired data-event selector: its expected cost."""


class PutEventSelectors(TrailStep):
    """``cloudtrail put-event-selectors`` with the trail's selectors merged with the missing ones.

    The call replaces every selector, so ``after`` holds all of them: each of ``before``
    is kept as it was unless ``changes`` says it is wrong (a guide placeholder or another
    account's ARN) and shows its replacement.
    """

    kind: Literal["put_event_selectors"] = "put_event_selectors"
    operation: ClassVar[str] = "cloudtrail put-event-selectors"
    before_advanced: list[dict[str, Any]] | None = None
    """The advanced selectors as read; ``None`` when the trail had classic ones or none."""
    before_classic: list[dict[str, Any]] | None = None
    """The classic selectors as read, when the trail used those (converted in ``after``)."""
    after: list[dict[str, Any]]
    changes: list[SelectorChange] = Field(default_factory=list)
    high_volume_types: list[str] = Field(default_factory=list)
    """``resources.type`` values in ``after`` that can produce many events (cost note)."""


class PutInsightSelectors(TrailStep):
    """``cloudtrail put-insight-selectors``: the union of what is on and what is required."""

    kind: Literal["put_insight_selectors"] = "put_insight_selectors"
    operation: ClassVar[str] = "cloudtrail put-insight-selectors"
    before: list[dict[str, Any]] = Field(default_factory=list)
    after: list[dict[str, Any]]


class CreateLogGroup(_Step):
    """``logs create-log-group`` (Standard class), only when it does not exist."""

    kind: Literal["create_log_group"] = "create_log_group"
    operation: ClassVar[str] = "logs create-log-group"
    subject_template: ClassVar[str] = "{log_group_name}"

    log_group_name: str
    retention_in_days: int | None = None


class PutMetricFilter(_Step):
    """``logs put-metric-filter`` on the CloudTrail delivery log group."""

    kind: Literal["put_metric_filter"] = "put_metric_filter"
    operation: ClassVar[str] = "logs put-metric-filter"
    subject_template: ClassVar[str] = "{filter_name}"

    log_group_name: str
    filter_name: str
    pattern: str
    metric_name: str
    namespace: str
    metric_value: str = "1"
    default_value: float | None = 0.0

    def metric_transformation(self) -> dict[str, Any]:
        """The filter's one metric transformation, as the Logs API writes it (camelCase)."""
        out: dict[str, Any] = {
            "metricName": self.metric_name,
            "metricNamespace": self.namespace,
            "metricValue": self.metric_value,
        }
        if self.default_value is not None:
            out["defaultValue"] = self.default_value
        return out


class PutMetricAlarm(_Step):
    """``cloudwatch put-metric-alarm`` on a metric filter's metric, notifying a topic."""

    kind: Literal["put_metric_alarm"] = "put_metric_alarm"
    operation: ClassVar[str] = "cloudwatch put-metric-alarm"
    subject_template: ClassVar[str] = "{alarm_name}"

    alarm_name: str
    description: str
    namespace: str
    metric_name: str
    statistic: str = "Sum"
    period: int
    evaluation_periods: int = 1
    datapoints_to_alarm: int = 1
    threshold: float
    comparison_operator: str = "GreaterThanThreshold"
    treat_missing_data: str = "notBreaching"
    alarm_actions: list[str]


class PutInsightRule(_Step):
    """``cloudwatch put-insight-rule``: a Contributor Insights rule, ENABLED."""

    kind: Literal["put_insight_rule"] = "put_insight_rule"
    operation: ClassVar[str] = "cloudwatch put-insight-rule"
    subject_template: ClassVar[str] = "{rule_name}"

    rule_name: str
    definition: dict[str, Any]
    state: Literal["ENABLED"] = "ENABLED"


class PutQueryDefinition(_Step):
    """``logs put-query-definition``: a saved Logs Insights query (updated by name, never doubled)."""

    kind: Literal["put_query_definition"] = "put_query_definition"
    operation: ClassVar[str] = "logs put-query-definition"
    subject_template: ClassVar[str] = "{name}"

    name: str
    query_string: str
    log_group_names: list[str]
    query_language: Literal["SQL", "CWLI", "PPL"] = "SQL"


class PutDashboard(_Step):
    """``cloudwatch put-dashboard``; an existing dashboard's widgets are kept (``before``)."""

    kind: Literal["put_dashboard"] = "put_dashboard"
    operation: ClassVar[str] = "cloudwatch put-dashboard"
    subject_template: ClassVar[str] = "{dashboard_name}"

    dashboard_name: str
    before: dict[str, Any] | None = None
    body: dict[str, Any]


class PutInvocationLogging(_Step):
    """``bedrock put-model-invocation-logging-configuration``, keeping the S3 destination."""

    kind: Literal["put_invocation_logging"] = "put_invocation_logging"
    operation: ClassVar[str] = "bedrock put-model-invocation-logging-configuration"
    subject_template: ClassVar[str] = "bedrock model invocation logging ({region})"

    before: dict[str, Any] = Field(default_factory=dict)
    config: dict[str, Any]


CONTINUITY_CHECK_PREFIX = "continuity-"
"""The id prefix of the checks that judge the audit period (rule kind ``continuity``)."""


class Unresolved(_Step):
    """A failure the plan cannot fix on its own: it names the value it needs, or says why not."""

    kind: Literal["unresolved"] = "unresolved"
    operation: ClassVar[str] = ""
    config_key: str | None = None
    """The configuration key that would let the plan fix it (``None``: a manual change)."""

    @property
    def past_gap(self) -> bool:
        """True when every target is a continuity check's (``continuity-<family>``).

        Such a failure is a gap in the audit period: no change fixes the past, so it is to
        be investigated, not changed by hand.
        """
        return bool(self.targets) and all(
            t.check_id.startswith(CONTINUITY_CHECK_PREFIX) for t in self.targets
        )


TrailChange = StartLogging | UpdateTrail | PutEventSelectors | PutInsightSelectors
"""Any step on an existing trail (each a :class:`TrailStep`)."""

Step = Annotated[
    TrailChange
    | CreateLogGroup
    | PutMetricFilter
    | PutMetricAlarm
    | PutInsightRule
    | PutQueryDefinition
    | PutDashboard
    | PutInvocationLogging
    | Unresolved,
    Field(discriminator="kind"),
]
"""Any step of a plan: the union of every step kind.

Renderers dispatch on it with ``match step:`` and end with ``case _: assert_never(step)``,
so mypy names every renderer that forgets a step kind added here."""

STEP_ORDER: tuple[str, ...] = (
    "update_trail",
    "start_logging",
    "put_event_selectors",
    "put_insight_selectors",
    "create_log_group",
    "put_metric_filter",
    "put_metric_alarm",
    "put_insight_rule",
    "put_query_definition",
    "put_dashboard",
    "put_invocation_logging",
    "unresolved",
)
"""The safe order: a trail records before anything reads it; a log group exists before its
filter, a filter before its alarm, alarms and rules before the dashboard that shows them."""


class AccountPlan(_Model):
    """Every step for one account, in :data:`STEP_ORDER`, region by region."""

    account_id: str
    steps: list[Step] = Field(default_factory=list)

    @property
    def changes(self) -> list[Step]:
        """The steps that change something (all but :class:`Unresolved`)."""
        return [s for s in self.steps if not isinstance(s, Unresolved)]

    @property
    def unresolved(self) -> list[Unresolved]:
        """The failures this account's plan cannot fix by itself."""
        return [s for s in self.steps if isinstance(s, Unresolved)]


class Plan(_Model):
    """A whole fix plan: what it was made from, and one :class:`AccountPlan` per account."""

    schema_version: str = PLAN_SCHEMA_VERSION
    tool_version: str
    generated_at: datetime
    snapshot_sha256: str
    accounts: list[AccountPlan] = Field(default_factory=list)

    def account(self, account_id: str) -> AccountPlan | None:
        """The plan of ``account_id``, if it has one."""
        return next((a for a in self.accounts if a.account_id == account_id), None)

    @property
    def targets(self) -> list[Target]:
        """Every result some change step means to fix."""
        return [t for a in self.accounts for s in a.changes for t in s.targets]


class StatusChange(_Model):
    """One result's status before the plan and after it was played on the snapshot."""

    check_id: str
    account_id: str | None
    region: str | None
    resource_arn: str | None = None
    title: str
    before: Status
    after: Status | None
    """``None`` when the result is gone after the change (it never is, for a sound plan)."""
    targeted: bool


class Verification(_Model):
    """What playing the plan on the snapshot and evaluating again showed."""

    targeted: int
    """How many failing results the plan means to fix."""
    fixed: list[StatusChange] = Field(default_factory=list)
    """Targeted results that PASS after the change."""
    not_fixed: list[StatusChange] = Field(default_factory=list)
    """Targeted results that still do not PASS (a planning defect; never expected)."""
    regressed: list[StatusChange] = Field(default_factory=list)
    """Results that passed before and do not after (a planning defect; never expected)."""
    other_changes: list[StatusChange] = Field(default_factory=list)
    """Results the plan does not target whose status changed anyway."""
    unchanged: int = 0
    """How many results kept their status."""

    @property
    def ok(self) -> bool:
        """True when every targeted result passes and nothing that passed fails."""
        return not self.not_fixed and not self.regressed
