"""The interface every rule kind implements, and the context it is given."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from aiposture.config import Config, ResourcesConfig
from aiposture.iam.denials import denied_action_hint
from aiposture.memo import EvaluationMemo
from aiposture.results import Status
from aiposture.snapshot.models import AccountSnapshot, CallError, RegionSnapshot, Snapshot

P = TypeVar("P", bound="Params")

Scope = Literal["account_region", "trail", "account"]
"""Where a rule kind is judged: per (account, region), per trail homed in the region, or once
per account (for account-wide resources such as CloudWatch dashboards; the rule is run with
the account's first scanned region and its results carry no region)."""


class Params(BaseModel):
    """Base class of a rule kind's parameters (validated when the catalog loads)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def references(self) -> dict[str, str]:
        """Other checks these parameters name: check id -> the rule kind it must have.

        The catalog refuses to load when a referenced check is missing or of another kind.
        """
        return {}


class NoParams(Params):
    """A rule kind without parameters."""


@dataclass(frozen=True)
class Outcome:
    """What a rule decided about one resource in one account and region."""

    status: Status
    message: str
    resource_arn: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may read: the snapshot and where it is being judged."""

    snapshot: Snapshot
    account: AccountSnapshot
    region: str
    config: Config
    checks: Mapping[str, Params] = field(default_factory=dict)
    """Every catalog check's parameters, by check id (for rules that build on another check)."""
    memo: EvaluationMemo = field(default_factory=EvaluationMemo, compare=False, repr=False)
    """The evaluation's caches of derived facts (shared by every context of one evaluation)."""

    @property
    def account_id(self) -> str:
        """The account being judged."""
        return self.account.account_id

    @property
    def partition(self) -> str:
        """The AWS partition of the scan."""
        return self.snapshot.partition

    @property
    def region_snapshot(self) -> RegionSnapshot | None:
        """What was read in this account and region, if anything."""
        return self.account.regions.get(self.region)

    @property
    def resources(self) -> ResourcesConfig:
        """The AI resources the configuration names for this account."""
        return self.config.resources_for(self.account_id)

    def params_of(self, check_id: str, kind: type[P]) -> P:
        """The parameters of the catalog check ``check_id``; the catalog validated its kind."""
        params = self.checks.get(check_id)
        if not isinstance(params, kind):
            raise LookupError(f"check {check_id} is not loaded as a {kind.__name__} check")
        return params


RuleFunction = Callable[[Any, RuleContext], list[Outcome]]

ResultsPer = Literal["resource", "region"]
"""What one result of a rule kind stands for (:attr:`RuleKind.results`)."""


@dataclass(frozen=True)
class RuleKind:
    """A kind of requirement: a pure function of (params, context), with its parameter model."""

    name: str
    function: RuleFunction
    params: type[Params]
    scope: Scope
    summary: str
    results: ResultsPer = field(kw_only=True)
    """``resource``: one result per judged resource (a trail, an agent, a guardrail, a log
    group, a key...), each naming that resource, so its ARN tells the results of one
    account and region apart before and after any change. ``region``: one result per
    account and region; any resource such a result names (the alarm that passes) changes
    with a fix."""
    judges_past: bool = field(default=False, kw_only=True)
    """True for a kind that judges the past (the audit period's event history): no change
    made now can fix its FAIL, so a fix plan never targets nor credits its results."""


def describe_error(error: CallError) -> str:
    """One line naming a failed call, for ERROR messages.

    For an AccessDenied it also names the IAM action the reading identity lacks and what
    grants it (:func:`aiposture.iam.denials.denied_action_hint`).
    """
    where = f" in {error.region}" if error.region else ""
    line = (
        f"{error.service}:{error.operation}{where} failed with {error.error_code}: {error.message}"
    )
    hint = denied_action_hint(error.service, error.operation, error.error_code, error.account_id)
    return f"{line}; {hint}" if hint else line


def errors_for(
    errors: list[CallError], operation: str, resource: str | None = None
) -> list[CallError]:
    """The recorded failures of ``operation`` (optionally on ``resource``)."""
    return [
        e
        for e in errors
        if e.operation == operation and (resource is None or e.resource in (None, resource))
    ]
