"""STUB (being written): rule kind ``dashboard``."""

from __future__ import annotations

from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind


class DashboardParams(Params):
    """Parameters of ``dashboard``."""


def dashboard(params: DashboardParams, ctx: RuleContext) -> list[Outcome]:
    """A CloudWatch dashboard assembles the guide's alarm, Contributor Insights and query widgets."""
    raise NotImplementedError("dashboard")


DASHBOARD = RuleKind(
    "dashboard",
    dashboard,
    DashboardParams,
    "account",
    "A CloudWatch dashboard assembles the guide's alarm, Contributor Insights and query widgets.",
)
