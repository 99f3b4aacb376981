"""STUB (being written): rule kind ``guardduty_enabled``."""

from __future__ import annotations

from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind


class GuardDutyParams(Params):
    """Parameters of ``guardduty_enabled``."""


def guardduty_enabled(params: GuardDutyParams, ctx: RuleContext) -> list[Outcome]:
    """A GuardDuty detector is enabled in the region."""
    raise NotImplementedError("guardduty_enabled")


GUARDDUTY = RuleKind(
    "guardduty_enabled",
    guardduty_enabled,
    GuardDutyParams,
    "account_region",
    "A GuardDuty detector is enabled in the region.",
)
