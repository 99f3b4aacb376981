"""Run one catalog check's rule over a hand-built snapshot."""

from __future__ import annotations

from aiposture.config import Config
from aiposture.engine.catalog import load_catalog
from aiposture.rules.base import Outcome, RuleContext
from aiposture.snapshot.models import Snapshot
from tests.builders import ACCOUNT, REGION

CATALOG = load_catalog()


def run_check(
    check_id: str,
    snap: Snapshot,
    *,
    region: str = REGION,
    account: str = ACCOUNT,
    config: Config | None = None,
) -> list[Outcome]:
    """The outcomes of the catalog's check ``check_id`` for one account and region."""
    item = CATALOG.get(check_id)
    assert item is not None, check_id
    acct = snap.account(account)
    assert acct is not None
    ctx = RuleContext(
        snapshot=snap,
        account=acct,
        region=region,
        config=config or Config(),
        checks=CATALOG.params_by_id,
    )
    return item.kind.function(item.params, ctx)


def only(outcomes: list[Outcome]) -> Outcome:
    """The single outcome of an account-and-region rule."""
    assert len(outcomes) == 1, outcomes
    return outcomes[0]


def with_ids(ids: dict[str, list[str]], **resources: object) -> Config:
    """A configuration naming resource ids for ACCOUNT."""
    return Config.model_validate({"resources": {"ids": ids, **resources}})
