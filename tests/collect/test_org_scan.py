"""`--org`: the organization's accounts discovered and scanned, as the role list would."""

from __future__ import annotations

from typing import Any

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.collect.scan import CollectOptions, collect
from aiposture.demo.environment import DemoEnvironment
from aiposture.errors import ConfigError
from tests.collect.helpers import E1, GUIDE, LAB, PARTIAL, PLACEHOLDER, factory_for, on_calls

pytestmark = pytest.mark.integration


def _key(r) -> tuple[str, str | None, str | None, str | None]:
    return (r.check_id, r.account_id, r.region, r.resource_arn)


def test_org_scan_finds_every_account_and_judges_them_like_the_role_list(
    demo_env: DemoEnvironment,
) -> None:
    roles = demo_env.org.assume_roles
    by_roles = collect(factory_for(demo_env), CollectOptions(regions=[E1], assume_roles=roles))
    by_org = collect(factory_for(demo_env), CollectOptions(regions=[E1], org=True))
    assert [a.account_id for a in by_org.accounts] == [GUIDE, PARTIAL, LAB, PLACEHOLDER]
    assert by_org.errors == []
    assert not any(a.all_errors() for a in by_org.accounts)
    config = demo_env.org.config
    org_results = evaluate_snapshot(by_org, config)
    role_results = evaluate_snapshot(by_roles, config)
    assert {_key(r): r.status for r in org_results.results} == {
        _key(r): r.status for r in role_results.results
    }


def test_org_scan_filters_accounts(demo_env: DemoEnvironment) -> None:
    only = collect(
        factory_for(demo_env),
        CollectOptions(regions=[E1], org=True, exclude_accounts=[PLACEHOLDER]),
    )
    assert [a.account_id for a in only.accounts] == [GUIDE, PARTIAL, LAB]
    with pytest.raises(ConfigError, match="999999999999"):
        collect(
            factory_for(demo_env),
            CollectOptions(regions=[E1], org=True, accounts=["999999999999"]),
        )


def test_a_member_role_that_cannot_be_assumed_is_an_error_there_only(
    demo_env: DemoEnvironment, deny: Any
) -> None:
    observer = on_calls("sts", "AssumeRole", deny("AccessDenied", "not trusted"))
    snap = collect(
        factory_for(demo_env, observer),
        CollectOptions(regions=[E1], org=True, role_name="NoSuchAuditRole"),
    )
    guide = next(a for a in snap.accounts if a.account_id == GUIDE)
    assert guide.regions and not guide.all_errors()  # the scanning identity's own account
    for member in (PARTIAL, PLACEHOLDER):
        acct = next(a for a in snap.accounts if a.account_id == member)
        assert [e.operation for e in acct.errors] == ["AssumeRole"]
        assert "NoSuchAuditRole" in (acct.errors[0].resource or "")
