"""STUB (being written): rule kind ``alarm_chain``."""

from __future__ import annotations

from pydantic import Field

from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind


class AlarmParams(Params):
    """Parameters of ``alarm_chain``.

    the guide's alarm row and the metric-filter check whose
    satisfying filters the alarm must watch.
    """

    alarm_name: str
    metric_filter: str
    """The id of the ``metric_filter`` check the alarm builds on."""
    threshold: float = Field(ge=0)
    """The guide fires when the count is greater than this."""
    period_seconds: int = Field(gt=0)

    def references(self) -> dict[str, str]:
        """The metric-filter check this alarm builds on."""
        return {self.metric_filter: "metric_filter"}


def alarm_chain(params: AlarmParams, ctx: RuleContext) -> list[Outcome]:
    """Trail -> log group -> filter -> metric -> alarm -> topic -> confirmed subscriber."""
    raise NotImplementedError("alarm_chain")


ALARM_CHAIN = RuleKind(
    "alarm_chain",
    alarm_chain,
    AlarmParams,
    "account_region",
    "An alarm on a satisfying filter's metric, no looser than the guide, reaches a confirmed subscriber.",
)
