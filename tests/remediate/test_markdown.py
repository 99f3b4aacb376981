"""The Markdown pages of a fix plan: order, selector table, exact code, inert hostile text."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from aiposture.remediate.cloudformation import (
    cloudformation_name,
    render_cloudformation,
    stack_name,
)
from aiposture.remediate.markdown import (
    SCRIPT_NAME,
    TERRAFORM_NAME,
    md_code,
    md_fence,
    md_text,
    numbered_changes,
    render_account_markdown,
    render_index,
)
from aiposture.remediate.plan import (
    AccountPlan,
    Plan,
    PutEventSelectors,
    PutMetricFilter,
    SelectorChange,
    StatusChange,
    Step,
    Target,
    Unresolved,
    Verification,
)
from aiposture.results import Status
from tests.remediate.sample_plan import (
    ACCOUNT,
    FIXED_KB,
    PATTERN,
    PLACEHOLDER_KB,
    QUERY,
    sample_plan,
)

HOSTILE_TAG = "</script><img src=x onerror=alert(1)>"
HOSTILE_NAME = "team`s | table``s || [click](http://evil.example) *now* _x_ &amp; $HOME @me"
HOSTILE_CODE = "```\n</script><img src=x onerror=alert(1)>\n````\n```` \n"
FENCE = re.compile(r"^(`{3,})[^\n`]*\n(.*?)^\1$", re.MULTILINE | re.DOTALL)


def _page(verification: Verification | None = None) -> str:
    plan = sample_plan()
    return render_account_markdown(plan, plan.accounts[0], verification)


def _section(page: str, heading: str) -> str:
    """The text from ``heading`` up to the next heading of the same or a higher level."""
    start = page.index(heading)
    level = heading.split(" ", 1)[0]
    rest = page[start + len(heading) :]
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", rest, re.MULTILINE)]
    return heading + (rest[: ends[0]] if ends else rest)


def _fences(text: str) -> list[str]:
    return [m.group(2) for m in FENCE.finditer(text)]


def _rows(text: str) -> list[list[str]]:
    """Table body rows (not the header nor the rule) as lists of raw cells."""
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", r)[1:-1]] for r in rows[1:]]


def _change(page: str, number: int) -> str:
    heading = next(m.group(0) for m in re.finditer(rf"^### {number}\. .*$", page, re.MULTILINE))
    return _section(page, heading)


def _ok_verification(plan: Plan) -> Verification:
    targets = {t.key: t for t in plan.targets}
    return Verification(
        targeted=len(targets),
        fixed=[_status(t, Status.FAIL, Status.PASS) for t in targets.values()],
        other_changes=[
            StatusChange(
                check_id="ct-org-trail",
                account_id="111122223333",
                region="us-east-1",
                title="Another account's result",
                before=Status.FAIL,
                after=Status.PASS,
                targeted=False,
            )
        ],
        unchanged=40,
    )


def _status(t: Target, before: Status, after: Status | None) -> StatusChange:
    return StatusChange(
        check_id=t.check_id,
        account_id=t.account_id,
        region=t.region,
        resource_arn=t.resource_arn,
        title=t.title or t.check_id,
        before=before,
        after=after,
        targeted=True,
    )


# --- structure ------------------------------------------------------------------------


def test_title_names_the_account_version_and_short_snapshot_hash() -> None:
    first = _page().splitlines()[:3]
    assert first[0] == f"# Fix plan for account {ACCOUNT}"
    assert "0.0.0-test" in first[2]
    assert "`000000000000`" in first[2]
    assert "0" * 13 not in first[2]


def test_unresolved_config_keys_come_first_then_manual_ones() -> None:
    page = _page()
    key = f'accounts."{ACCOUNT}".resources.ids."AWS::Bedrock::AgentAlias"'
    needs = page.index("## What the plan needs from you")
    keyed = page.index(f"#### Set `{key}`")
    manual = page.index("### Manual changes")
    assert needs < keyed < manual < page.index("## Summary") < page.index("### 1. ")
    blocked = _section(page, f"#### Set `{key}`")
    assert "`ct-data-bedrock-agent-alias` in us-east-1" in blocked
    assert "The ids of the production agent aliases are not known." in blocked
    assert "`ct-trail-kms-encryption`" in _section(page, "### Manual changes")


def test_unresolved_steps_sharing_a_key_are_grouped_under_it() -> None:
    plan = sample_plan()
    account = plan.accounts[0]
    key = "accounts.topic"
    extra = [
        Unresolved(
            account_id=ACCOUNT,
            region=region,
            targets=[Target(check_id="alarm-x", account_id=ACCOUNT, region=region)],
            reason=f"No topic with subscribers in {region}.",
            config_key=key,
        )
        for region in ("us-east-1", "us-west-2")
    ]
    account = account.model_copy(update={"steps": [*account.steps, *extra]})
    page = render_account_markdown(plan, account, None)
    assert page.count(f"#### Set `{key}`") == 1
    group = _section(page, f"#### Set `{key}`")
    assert "in us-east-1: No topic with subscribers in us-east-1." in group
    assert "in us-west-2: No topic with subscribers in us-west-2." in group


def test_every_change_appears_numbered_in_plan_order() -> None:
    plan = sample_plan()
    page = _page()
    headings = re.findall(r"^### (\d+)\. (.*)$", page, re.MULTILINE)
    numbered = numbered_changes(plan.accounts[0])
    assert [int(n) for n, _ in headings] == [n for n, _ in numbered] == list(range(1, 12))
    calls = re.findall(r"^- \*\*Call:\*\* `aws ([a-z-]+ [a-z-]+)`", page, re.MULTILINE)
    assert calls == [
        "cloudtrail update-trail",
        "cloudtrail start-logging",
        "cloudtrail put-event-selectors",
        "cloudtrail put-insight-selectors",
        "logs create-log-group",
        "logs put-metric-filter",
        "cloudwatch put-metric-alarm",
        "cloudwatch put-insight-rule",
        "logs put-query-definition",
        "cloudwatch put-dashboard",
        "bedrock put-model-invocation-logging-configuration",
    ]
    for number, step in numbered:
        section = _change(page, number)
        assert f"**Why:** {md_text(step.reason)}" in section
        for target in step.targets:
            assert f"| `{target.check_id}` |" in section


def test_summary_counts_changes_and_fixed_results_per_region() -> None:
    summary = _section(_page(), "## Summary")
    rows = {(r[0], r[1]): r[2:] for r in _rows(summary)}
    assert rows[("us-east-1", "Event selectors")] == ["1", "3"]
    assert rows[("us-east-1", "Log group")] == ["1", "0"]
    assert rows[("**All**", "**All changes**")] == ["**11**", "**12**"]
    assert "2 failing result(s) need something from you" in summary


def test_selector_table_lists_every_selector_with_its_change() -> None:
    section = _change(_page(), 3)
    rows = _rows(section[: section.index("**Replaced:**")])
    assert [(r[1], r[2]) for r in rows] == [
        ("Management events selector", "kept"),
        ("Team DynamoDB tables", "kept"),
        ("OrgTrail-Bedrock-KnowledgeBase", "replaced"),
        ("BedrockMantle-Project-DataEvents", "added"),
        ("S3-AI-Sensitive-WriteOnly", "added"),
    ]
    assert "**replaces every selector**" in section
    assert "keeps every selector the trail has now" in section
    assert "Warning" not in section


def test_replaced_selector_shows_why_and_before_after_json() -> None:
    section = _change(_page(), 3)
    replaced = section[section.index("**Replaced:**") :]
    assert "placeholders REGION, ACCOUNT\\_ID and KB\\_ID" in replaced.splitlines()[0]
    blocks = [json.loads(b) for b in _fences(replaced)]
    assert blocks[0] == PLACEHOLDER_KB
    assert blocks[1] == FIXED_KB
    plan = sample_plan()
    step = plan.accounts[0].steps[2]
    assert isinstance(step, PutEventSelectors)
    assert blocks[2] == step.after


def test_event_selector_cost_note_names_the_high_volume_types() -> None:
    section = _change(_page(), 3)
    cost = next(line for line in section.splitlines() if line.startswith("**Cost:**"))
    assert "`AWS::S3::Object`" in cost


def test_a_selector_the_list_would_delete_is_called_out() -> None:
    plan = sample_plan()
    account = plan.accounts[0]
    step = account.steps[2]
    assert isinstance(step, PutEventSelectors)
    dropped = step.model_copy(
        update={"changes": [c for c in step.changes if c.name != "Team DynamoDB tables"]}
    )
    steps = [dropped if s is step else s for s in account.steps]
    page = render_account_markdown(plan, account.model_copy(update={"steps": steps}), None)
    assert "**Warning:** the selector Team DynamoDB tables" in _change(page, 3)


def test_insight_selectors_show_before_and_after() -> None:
    section = _change(_page(), 4)
    assert "- **Before:** `ApiCallRateInsight`" in section
    assert "- **After:** `ApiCallRateInsight`, `ApiErrorRateInsight`" in section
    before, after = (json.loads(b) for b in _fences(section))
    assert [s["InsightType"] for s in before] == ["ApiCallRateInsight"]
    assert [s["InsightType"] for s in after] == ["ApiCallRateInsight", "ApiErrorRateInsight"]


def test_filter_pattern_query_rule_and_dashboard_are_exact_code_blocks() -> None:
    plan = sample_plan()
    steps = plan.accounts[0].steps
    page = _page()
    assert _fences(_change(page, 6)) == [PATTERN + "\n"]
    assert _fences(_change(page, 9)) == [QUERY + "\n"]
    assert json.loads(_fences(_change(page, 8))[0]) == steps[7].definition  # type: ignore[union-attr]
    assert json.loads(_fences(_change(page, 10))[0]) == steps[9].body  # type: ignore[union-attr]
    logging = [json.loads(b) for b in _fences(_change(page, 11))]
    assert logging == [steps[10].before, steps[10].config]  # type: ignore[union-attr]


def test_how_to_apply_names_the_files_the_writer_writes() -> None:
    assert (SCRIPT_NAME, TERRAFORM_NAME) == ("apply.sh", "main.tf")
    assert cloudformation_name("us-west-2") == "cloudformation-us-west-2.yaml"
    assert cloudformation_name("us-west-2", import_=True) == "cloudformation-us-west-2-import.yaml"
    how = _section(_page(), "## How to apply")
    assert f"credentials for account {ACCOUNT}" in how
    assert "bash apply.sh\n" in _fences(how)
    assert "`cloudformation-us-east-1-import.yaml`" in how
    # the page names exactly the templates and the stack the CloudFormation renderer writes
    plan = sample_plan()
    written = render_cloudformation(plan, plan.accounts[0])
    named = set(re.findall(r"cloudformation-[\w-]+\.yaml", how))
    assert named == set(written)
    assert f"`{stack_name('us-east-1')}`" in how
    assert f"--stack-name {stack_name('us-east-1')} " in how
    assert "`terraform plan` shows those imports" in how
    assert "<" not in how


# --- verification ---------------------------------------------------------------------


def test_verification_ok_verdict_and_only_this_accounts_results() -> None:
    plan = sample_plan()
    verification = _ok_verification(plan)
    elsewhere = Target(check_id="ct-trail-logging", account_id="444455556666", region="us-east-1")
    verification.fixed.append(_status(elsewhere, Status.FAIL, Status.PASS))
    page = render_account_markdown(plan, plan.accounts[0], verification)
    section = _section(page, "## Verification")
    assert "444455556666" not in section
    assert "**Verdict: verified.** 12 of 12 targeted result(s) pass" in section
    assert "### Fixed: 12" in section
    assert "### Not fixed: 0" in section
    assert "### Regressed: 0" in section
    assert "111122223333" not in section
    assert page.index("## Verification") < page.index("## How to apply")
    assert "## Verification" not in _page()


def test_verification_failing_verdict_lists_what_is_not_fixed_and_regressed() -> None:
    plan = sample_plan()
    targets = list({t.key: t for t in plan.targets}.values())
    verification = Verification(
        targeted=len(targets),
        fixed=[_status(t, Status.FAIL, Status.PASS) for t in targets[1:]],
        not_fixed=[_status(targets[0], Status.FAIL, Status.FAIL)],
        regressed=[
            StatusChange(
                check_id="ct-trail-multi-region",
                account_id=ACCOUNT,
                region="us-east-1",
                title="Trail is multi-region",
                before=Status.PASS,
                after=Status.FAIL,
                targeted=False,
            )
        ],
    )
    page = render_account_markdown(plan, plan.accounts[0], verification)
    section = _section(page, "## Verification")
    assert "**Verdict: not verified.** 1 of 12 targeted result(s) still do not pass" in section
    assert "1 result(s) that passed no longer do: do not apply this plan" in section
    not_fixed = _section(section, "### Not fixed: 1")
    assert _rows(not_fixed) == [
        ["`ct-log-file-validation`", "ct-log-file-validation", "us-east-1", "-", "FAIL", "FAIL"]
    ]
    assert _rows(_section(section, "### Regressed: 1"))[0][0] == "`ct-trail-multi-region`"
    index = render_index(plan, verification)
    assert "**Verdict: not verified.**" in index


def test_index_lists_each_account_with_counts_and_link() -> None:
    plan = sample_plan()
    other = AccountPlan(
        account_id="444455556666",
        steps=[Unresolved(account_id="444455556666", region="us-west-2", reason="Manual.")],
    )
    plan = plan.model_copy(update={"accounts": [*plan.accounts, other]})
    index = render_index(plan, _ok_verification(plan))
    assert index.startswith("# aiposture fix plan\n")
    rows = _rows(index[: index.index("## Verification")])
    assert rows == [
        [ACCOUNT, "11", "12", "2", f"[{ACCOUNT}/README.md]({ACCOUNT}/README.md)"],
        ["444455556666", "0", "0", "1", "[444455556666/README.md](444455556666/README.md)"],
    ]
    verification = _section(index, "## Verification")
    assert "**Verdict: verified.** 12 of 12" in verification
    assert "| 111122223333 |" in _section(verification, "### Other changes")


# --- untrusted text -------------------------------------------------------------------


def test_md_text_escapes_markdown_and_html_punctuation() -> None:
    assert md_text(HOSTILE_TAG) == r"&lt;/script\>&lt;img src=x onerror=alert(1)\>"
    escaped = md_text(HOSTILE_NAME)
    # GitHub's own breaks: a zero-width space entity, "$" in a span (see markdown_text).
    bare = escaped.replace("&#8203;", "").replace("<span>$</span>", "")
    for raw in ("|", "`", "[", "]", "*", "_", "&", "<", ">"):
        assert re.search(rf"(?<!\\){re.escape(raw)}", bare) is None, raw
    assert "$" not in bare
    assert "http:&#8203;//evil.example" in escaped
    assert "@&#8203;me" in escaped
    assert md_text("a\nb\r\nc") == "a b c"


def test_md_code_and_md_fence_use_a_longer_fence_than_the_value() -> None:
    assert md_code("plain") == "`plain`"
    assert md_code("a``b") == "```a``b```"
    assert md_code("`edge`") == "`` `edge` ``"
    assert md_code("a|b", in_table=True) == "`a\\|b`"
    fenced = md_fence(HOSTILE_CODE)
    assert fenced.startswith("`````\n") and fenced.endswith("\n`````")
    assert _fences(fenced) == [HOSTILE_CODE]


def _hostile_plan() -> Plan:
    plan = sample_plan()
    account = plan.accounts[0]
    steps: list[Step] = []
    for step in account.steps:
        update: dict[str, Any] = {
            "reason": f"{step.reason} {HOSTILE_TAG}",
            "targets": [t.model_copy(update={"title": HOSTILE_NAME}) for t in step.targets],
        }
        if isinstance(step, PutEventSelectors):
            update["changes"] = [
                *step.changes,
                SelectorChange(name=HOSTILE_NAME, change="kept", why=HOSTILE_TAG),
            ]
            update["trail_name"] = HOSTILE_NAME
        if isinstance(step, PutMetricFilter):
            update["pattern"] = HOSTILE_CODE
            update["filter_name"] = HOSTILE_NAME
        if isinstance(step, Unresolved) and step.config_key:
            update["config_key"] = f'accounts."{ACCOUNT}".tags."{HOSTILE_TAG}`|"'
        steps.append(step.model_copy(update=update))
    return plan.model_copy(update={"accounts": [account.model_copy(update={"steps": steps})]})


def test_hostile_values_stay_escaped_in_the_page_source() -> None:
    plan = _hostile_plan()
    page = render_account_markdown(plan, plan.accounts[0], None)
    outside = FENCE.sub("", page)
    why = "Log file validation is off, so tampering with delivered logs goes unseen."
    assert f"- **Why:** {why} {md_text(HOSTILE_TAG)}\n" in outside
    assert f"| `ct-trail-logging` | {md_text(HOSTILE_NAME)} | us-east-1 | - |" in outside
    assert f'#### Set ``accounts."{ACCOUNT}".tags."{HOSTILE_TAG}`|"``\n' in outside
    assert HOSTILE_CODE in _fences(_change(page, 6))
    selector_rows = _rows(_change(page, 3).split("**Replaced:**")[0])
    assert len(selector_rows) == 6
    assert selector_rows[5][1:] == [md_text(HOSTILE_NAME), "kept", md_text(HOSTILE_TAG)]


def _html(text: str) -> str:
    """CommonMark with GFM tables; the tests that need it skip without markdown-it-py."""
    markdown_it = pytest.importorskip("markdown_it")
    return str(markdown_it.MarkdownIt("commonmark").enable("table").render(text))


def _shown(text: str) -> str:
    """``text`` as markdown-it writes it in HTML."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _shown_text(text: str) -> str:
    """``text`` through md_text as markdown-it writes it: GitHub's breaks (a zero-width
    space after "@" and in "://", "$" in a span) are the only difference."""
    return (
        _shown(text)
        .replace("@", "@\u200b")
        .replace("://", ":\u200b//")
        .replace("$", "<span>$</span>")
    )


def test_hostile_values_render_inert_and_exact() -> None:
    plan = _hostile_plan()
    page = render_account_markdown(plan, plan.accounts[0], None)
    rendered = _html(page) + _html(render_index(plan, None))
    assert "<img" not in rendered
    assert "<script" not in rendered and "</script>" not in rendered
    assert "<a " not in rendered.replace(f'<a href="{ACCOUNT}/README.md">', "")
    assert "<em>" not in rendered
    shown_name = _shown(HOSTILE_NAME)
    shown_tag = _shown(HOSTILE_TAG)
    # The selector row keeps its four cells and shows both values exactly.
    shown_text = _shown_text(HOSTILE_NAME)
    assert f"<td>{shown_text}</td>\n<td>kept</td>\n<td>{shown_tag}</td>" in rendered
    # Heading code span, table title cells, the reason and the pattern, all exact.
    assert f"<code>{shown_name}</code>" in rendered
    assert f"<td>{shown_text}</td>\n<td>us-east-1</td>\n<td>-</td>" in rendered
    assert f"{shown_tag}</li>" in rendered
    assert f"<pre><code>{_shown(HOSTILE_CODE)}</code></pre>" in rendered
    key = _shown(f'accounts."{ACCOUNT}".tags."{HOSTILE_TAG}`|"')
    assert f"<code>{key}</code>" in rendered


def test_sample_page_renders_with_one_table_per_listing() -> None:
    rendered = _html(_page())
    # summary + 10 fixes tables + the selector table; create-log-group fixes nothing
    assert rendered.count("<table>") == 12
    assert f"<pre><code>{_shown(PATTERN)}\n</code></pre>" in rendered


def test_classic_selectors_converted_show_the_classic_before() -> None:
    plan = sample_plan()
    account = plan.accounts[0]
    step = account.steps[2]
    assert isinstance(step, PutEventSelectors)
    classic = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]
    converted = step.model_copy(
        update={
            "before_advanced": None,
            "before_classic": classic,
            "changes": [
                SelectorChange(
                    name="Management events selector",
                    change="converted",
                    after=step.after[0],
                    why="advanced selectors cannot be mixed with classic ones",
                ),
                *(c for c in step.changes if c.change == "added"),
            ],
        }
    )
    steps = [converted if s is step else s for s in account.steps]
    page = render_account_markdown(plan, account.model_copy(update={"steps": steps}), None)
    section = _change(page, 3)
    assert "- **Before:** 1 classic selector(s)" in section
    assert "1 converted from classic to advanced" in section
    assert [r[2] for r in _rows(section)[:3]] == ["converted", "added", "added"]
    blocks = [json.loads(b) for b in _fences(section)]
    assert blocks[0] == step.after[0]
    assert classic in blocks


GITHUB_HOSTILE = (
    "@aws/security-team www.evil.example a@b.example $$x$$ $.eventName #1 "
    "<img src=x> | pipe\nnewline [x](https://evil.example)"
)


def test_hostile_names_render_literally_on_github() -> None:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    plan = sample_plan()
    account = plan.accounts[0]
    steps = [
        s.model_copy(
            update={
                "reason": GITHUB_HOSTILE,
                "targets": [t.model_copy(update={"title": GITHUB_HOSTILE}) for t in s.targets],
            }
        )
        for s in account.steps
    ]
    plan = plan.model_copy(update={"accounts": [account.model_copy(update={"steps": steps})]})
    page = render_account_markdown(plan, plan.accounts[0], None) + render_index(plan, None)
    rendered = cmarkgfm.github_flavored_markdown_to_html(
        page, options=cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE
    )
    assert "<img" not in rendered
    assert "<a " not in rendered.replace(f'<a href="{ACCOUNT}/README.md">', "")
    # GitHub skips code for mentions, references and math; everywhere else none is made.
    outside_code = re.sub(r"<(pre|code)>.*?</\1>", "", rendered, flags=re.DOTALL)
    visible = re.sub(r"<[^>]+>", "", outside_code.replace("<span>$</span>", ""))
    assert "$" not in visible
    assert re.search(r"(?:^|\W)@[A-Za-z0-9]", visible) is None
    assert re.search(r"(?:^|\W)#\d", visible) is None
    assert "@\u200baws/security-team www\u200b.evil.example a@\u200bb.example" in visible


def test_the_page_names_the_changes_no_template_makes() -> None:
    """Whoever applies only CloudFormation learns which changes the script must still make:
    invocation logging has no resource type, so no template carries it."""
    plan = sample_plan()
    numbered = numbered_changes(plan.accounts[0])
    logging = next(n for n, step in numbered if step.kind == "put_invocation_logging")
    section = _section(_page(), "### CloudFormation")
    assert "No template makes these changes" in section
    assert f"- change {logging}: Bedrock model invocation logging in us-east-1" in section
    expressed = [n for n, step in numbered if step.kind == "put_metric_alarm"]
    assert expressed and all(f"- change {n}:" not in section for n in expressed)
