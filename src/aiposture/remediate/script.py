"""The fix plan of one account as a bash script of AWS CLI calls.

:func:`render_script` prints an :class:`~aiposture.remediate.plan.AccountPlan` as a script a
reviewer reads and an operator runs with the account's credentials. The script:

- when its plan failed verification (written only with ``remediate --force``), refuses to
  run at all unless the override variable holds the account id (exit
  :data:`EXIT_UNVERIFIED`, before anything else);
- refuses to run with credentials of another account (exit :data:`EXIT_WRONG_ACCOUNT`);
- reads, before it changes anything, every value a replace-style call overwrites (event
  and insight selectors, a dashboard, model invocation logging) and compares it with what
  the scan saw and with what the plan writes: already written -> skipped; as scanned ->
  applied; anything else -> nothing at all is changed (exit :data:`EXIT_DRIFT`);
- creates only what is missing (log groups, query definitions looked up by exact name), so
  a second run changes nothing; it never deletes, stops, removes or disables anything;
- lists, at the end, the failures it does not fix and the configuration key each needs.

Every value in it comes from AWS and is untrusted: each one is quoted by :func:`quote` (and
JSON arguments are quoted JSON text), names in JMESPath filters are JSON literals, and text
in comments cannot end the comment line.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Sequence
from typing import Any

from aiposture.remediate.plan import (
    AccountPlan,
    CreateLogGroup,
    Plan,
    PutDashboard,
    PutEventSelectors,
    PutInsightRule,
    PutInsightSelectors,
    PutInvocationLogging,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
    StartLogging,
    Step,
    Unresolved,
    UpdateTrail,
)

__all__ = [
    "EXIT_DRIFT",
    "EXIT_UNVERIFIED",
    "EXIT_WRONG_ACCOUNT",
    "jmespath_literal",
    "quote",
    "render_script",
]

EXIT_WRONG_ACCOUNT = 2
"""The script's exit status when the credentials are not the plan's account."""
EXIT_UNVERIFIED = 4
"""The script's exit status when its plan failed verification and the override is not set."""
EXIT_DRIFT = 3
"""The script's exit status when a value it would overwrite changed since the scan."""

_PARAMFILE_PREFIXES = ("file://", "fileb://", "http://", "https://")
"""Values the AWS CLI would read as a file or URL instead of taking them literally."""

_DEFAULT_CLASSIC_SELECTORS: list[dict[str, Any]] = [
    {"ReadWriteType": "All", "IncludeManagementEvents": True}
]
"""What GetEventSelectors returns for a trail that never had selectors (normalised)."""

_CONT = " \\\n    "


def quote(value: object) -> str:
    r"""Quote ``value`` (made a string) as one inert bash word: the only quoting in the script.

    A printable value is single-quoted (:func:`shlex.quote`): bash expands nothing inside
    single quotes. A value with any character that is not printable (a line break, U+0085,
    U+2028, an escape sequence, a bidi override that would reorder the line a reviewer
    reads) is written as a bash ANSI-C string ``$'...'``: each such character is its UTF-8
    bytes as ``\xHH`` escapes (exact in any locale, unlike ``\u``), and only ``\`` and
    ``'`` are escaped besides, so the script text stays printable and the word is the
    same. (No bash word can hold a NUL: ``\x00`` ends the word there.)
    """
    text = str(value)
    if text.isprintable():
        return shlex.quote(text)
    out: list[str] = []
    for ch in text:
        if ch in "\\'":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append("".join(f"\\x{b:02x}" for b in ch.encode("utf-8", "surrogatepass")))
    return "$'" + "".join(out) + "'"


def _dump(value: Any) -> str:
    """Compact JSON text of ``value`` (keys in their order, non-ASCII kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def jmespath_literal(value: str) -> str:
    """``value`` as a JMESPath JSON literal (backticks escaped), exact for any text."""
    return "`" + json.dumps(value).replace("`", "\\`") + "`"


def _printable(text: str) -> str:
    """``text`` with every character that is not printable shown as an escape.

    For comments, messages and progress lines, what a reviewer or a terminal shows: control
    characters (terminal escape sequences), line separators and format characters (a bidi
    override would reorder the line).
    """
    return "".join(
        c if c.isprintable() else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        for c in text
    )


def _comment(*lines: str, indent: str = "") -> list[str]:
    """Comment lines: each line of each text prefixed with ``#``, nothing can end a comment."""
    out: list[str] = []
    for text in lines:
        for line in str(text).splitlines() or [""]:
            out.append(f"{indent}# {_printable(line)}".rstrip())
    return out


class _Call:
    """One AWS CLI call with every argument quoted.

    A string that the CLI would take as a file or URL (``file://...``) goes through
    ``--cli-input-json`` instead, where the CLI takes values as they are.
    """

    def __init__(self, service: str, operation: str, region: str) -> None:
        self.head = f"aws {service} {operation}"
        self.options: list[str] = []
        self._input: dict[str, Any] = {}
        self._option("--region", region)

    def _option(self, flag: str, value: str) -> None:
        sep = "=" if value.startswith("-") else " "
        self.options.append(f"{flag}{sep}{quote(value)}")

    def text(self, flag: str, member: str, value: str) -> _Call:
        """A string parameter (``member``: its name in the API, for ``--cli-input-json``)."""
        if value.lower().startswith(_PARAMFILE_PREFIXES):
            self._input[member] = value
        else:
            self._option(flag, value)
        return self

    def json(self, flag: str, value: Any) -> _Call:
        """A list or structure parameter (or a string holding JSON), as JSON text."""
        self._option(flag, _dump(value))
        return self

    def number(self, flag: str, value: float) -> _Call:
        """A numeric parameter."""
        self._option(flag, repr(value))
        return self

    def raw(self, option: str) -> _Call:
        """An option written as bash text as it is (a flag, or a flag and a variable)."""
        self.options.append(option)
        return self

    def query(self, expression: str, output: str) -> _Call:
        """A client-side JMESPath query and output format."""
        self._option("--query", expression)
        self._option("--output", output)
        return self

    def render(self) -> str:
        """The call as bash text, one option per line."""
        options = list(self.options)
        if self._input:
            options.append(f"--cli-input-json {quote(_dump(self._input))}")
        return _CONT.join([self.head, *options])


def _indent(text: str, prefix: str = "  ") -> list[str]:
    """Indent the first line of ``text`` only: a quoted value may span lines, unchanged."""
    return [prefix + text]


# --- the script's fixed parts ----------------------------------------------------------

_HELPERS = r"""
aip_current=""
aip_drift=()

aip_on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -n "$aip_current" ]; then
    printf 'stopped at step %s (exit %s); the steps before it were applied; ' "$aip_current" "$rc" >&2
    printf 'running the script again is safe\n' >&2
  fi
}
trap aip_on_exit EXIT

# aip_step N TOTAL REGION VERB NAME: the progress line of a step.
aip_step() {
  aip_current="$1/$2"
  printf '==> [%s/%s] %s %s %s\n' "$1" "$2" "$3" "$4" "$5"
}

# aip_read CODE DEFAULT COMMAND...: COMMAND's output, or DEFAULT when it fails with error CODE.
aip_read() {
  local code=$1 default=$2 err
  shift 2
  { err=$("$@" 2>&1 1>&3 3>&-); } 3>&1 && return 0
  case $err in
    *"($code)"*) printf '%s\n' "$default" ;;
    *) printf '%s\n' "$err" >&2; return 1 ;;
  esac
}

# aip_compare CURRENT AFTER [BEFORE...]: prints "applied" when the JSON CURRENT equals AFTER,
# "before" when it equals one of BEFORE, else "drift". Nulls, empty lists and empty objects
# are dropped, list order is ignored and 1.0 equals 1.
aip_compare() {
  python3 - "$@" <<'AIPOSTURE_PY'
import json
import sys


def norm(value):
    if isinstance(value, dict):
        items = {k: norm(v) for k, v in value.items()}
        return {k: v for k, v in items.items() if v is not None} or None
    if isinstance(value, list):
        items = [v for v in (norm(v) for v in value) if v is not None]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True)) or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def load(text):
    return norm(json.loads(text)) if text.strip() else None


current, after, *before = (load(text) for text in sys.argv[1:])
if current == after:
    print("applied")
elif any(current == b for b in before):
    print("before")
else:
    print("drift")
AIPOSTURE_PY
}

# aip_guard STATE WHAT: report a guarded value; remember it when it drifted.
aip_guard() {
  case $1 in
    applied) printf '    %s: already applied\n' "$2" ;;
    before) printf '    %s: as scanned, will be changed\n' "$2" ;;
    *) printf '    %s: CHANGED since the scan\n' "$2"; aip_drift+=("$2") ;;
  esac
}
""".strip("\n")


# --- steps -----------------------------------------------------------------------------


def _what(step: Step) -> str:
    """What a guarded step overwrites, for the drift message."""
    if isinstance(step, PutEventSelectors):
        return f"the event selectors of trail {step.trail_name} ({step.trail_arn})"
    if isinstance(step, PutInsightSelectors):
        return f"the insight selectors of trail {step.trail_name} ({step.trail_arn})"
    if isinstance(step, PutDashboard):
        return f"dashboard {step.dashboard_name} in {step.region}"
    return f"the Bedrock model invocation logging configuration in {step.region}"


def _guard_read(step: Step) -> tuple[str, Any, list[Any]]:
    """(bash command printing the current value as JSON, the value after, values before)."""
    if isinstance(step, PutEventSelectors):
        read = (
            _Call("cloudtrail", "get-event-selectors", step.region)
            .text("--trail-name", "TrailName", step.trail_arn)
            .query("{advanced: AdvancedEventSelectors, classic: EventSelectors}", "json")
        )
        befores: list[Any] = []
        if step.before_advanced is not None:
            befores.append({"advanced": step.before_advanced})
        if step.before_classic is not None:
            befores.append({"classic": step.before_classic})
        if step.before_advanced is None and step.before_classic is None:
            befores += [{}, {"classic": _DEFAULT_CLASSIC_SELECTORS}]
        return read.render(), {"advanced": step.after}, befores
    if isinstance(step, PutInsightSelectors):
        read = (
            _Call("cloudtrail", "get-insight-selectors", step.region)
            .text("--trail-name", "TrailName", step.trail_arn)
            .query("InsightSelectors", "json")
        )
        return (
            f"aip_read InsightNotEnabledException '[]' {read.render()}",
            step.after,
            [step.before],
        )
    if isinstance(step, PutDashboard):
        read = (
            _Call("cloudwatch", "get-dashboard", step.region)
            .text("--dashboard-name", "DashboardName", step.dashboard_name)
            .query("DashboardBody", "text")
        )
        return f"aip_read ResourceNotFound null {read.render()}", step.body, [step.before]
    assert isinstance(step, PutInvocationLogging)
    read = _Call("bedrock", "get-model-invocation-logging-configuration", step.region).query(
        "loggingConfig", "json"
    )
    return read.render(), step.config, [step.before]


def _guarded(step: Step) -> bool:
    """Whether a step replaces a whole value, so the script checks it first for drift."""
    return isinstance(
        step, PutEventSelectors | PutInsightSelectors | PutDashboard | PutInvocationLogging
    )


def _guard_block(number: int, step: Step) -> list[str]:
    """Read the value a replace-style step overwrites and classify it (no change made)."""
    command, after, befores = _guard_read(step)
    compare = " ".join(["aip_compare", '"$aip_value"', quote(_dump(after))])
    compare += "".join(" " + quote(_dump(b)) for b in befores)
    return [
        f"aip_value=$({command})",
        f"aip_state_{number}=$({compare})",
        f'aip_guard "$aip_state_{number}" {quote(_printable(_what(step)))}',
    ]


def _apply_lines(step: Step) -> list[str]:
    """The commands of one change step."""
    if isinstance(step, UpdateTrail):
        if step.enable_log_file_validation is False:
            raise ValueError("a plan never turns log file validation off")
        if step.enable_log_file_validation is None:
            return ["echo '    nothing to update'"]
        call = _Call("cloudtrail", "update-trail", step.region)
        call.text("--name", "Name", step.trail_arn).raw("--enable-log-file-validation")
        return [call.render()]
    if isinstance(step, StartLogging):
        call = _Call("cloudtrail", "start-logging", step.region)
        return [call.text("--name", "Name", step.trail_arn).render()]
    if isinstance(step, PutEventSelectors):
        call = _Call("cloudtrail", "put-event-selectors", step.region)
        call.text("--trail-name", "TrailName", step.trail_arn)
        return [call.json("--advanced-event-selectors", step.after).render()]
    if isinstance(step, PutInsightSelectors):
        if not step.after:
            raise ValueError("a plan never turns CloudTrail Insights off")
        call = _Call("cloudtrail", "put-insight-selectors", step.region)
        call.text("--trail-name", "TrailName", step.trail_arn)
        return [call.json("--insight-selectors", step.after).render()]
    if isinstance(step, CreateLogGroup):
        return _create_log_group(step)
    if isinstance(step, PutMetricFilter):
        transformation: dict[str, Any] = {
            "metricName": step.metric_name,
            "metricNamespace": step.namespace,
            "metricValue": step.metric_value,
        }
        if step.default_value is not None:
            transformation["defaultValue"] = step.default_value
        call = _Call("logs", "put-metric-filter", step.region)
        call.text("--log-group-name", "logGroupName", step.log_group_name)
        call.text("--filter-name", "filterName", step.filter_name)
        call.text("--filter-pattern", "filterPattern", step.pattern)
        return [call.json("--metric-transformations", [transformation]).render()]
    if isinstance(step, PutMetricAlarm):
        call = _Call("cloudwatch", "put-metric-alarm", step.region)
        call.text("--alarm-name", "AlarmName", step.alarm_name)
        call.text("--alarm-description", "AlarmDescription", step.description)
        call.text("--namespace", "Namespace", step.namespace)
        call.text("--metric-name", "MetricName", step.metric_name)
        call.text("--statistic", "Statistic", step.statistic)
        call.number("--period", step.period)
        call.number("--evaluation-periods", step.evaluation_periods)
        call.number("--datapoints-to-alarm", step.datapoints_to_alarm)
        call.number("--threshold", step.threshold)
        call.text("--comparison-operator", "ComparisonOperator", step.comparison_operator)
        call.text("--treat-missing-data", "TreatMissingData", step.treat_missing_data)
        return [call.json("--alarm-actions", step.alarm_actions).render()]
    if isinstance(step, PutInsightRule):
        call = _Call("cloudwatch", "put-insight-rule", step.region)
        call.text("--rule-name", "RuleName", step.rule_name)
        call.text("--rule-state", "RuleState", step.state)
        return [call.json("--rule-definition", step.definition).render()]
    if isinstance(step, PutQueryDefinition):
        return _put_query_definition(step)
    if isinstance(step, PutDashboard):
        call = _Call("cloudwatch", "put-dashboard", step.region)
        call.text("--dashboard-name", "DashboardName", step.dashboard_name)
        return [call.json("--dashboard-body", step.body).render()]
    assert isinstance(step, PutInvocationLogging)
    call = _Call("bedrock", "put-model-invocation-logging-configuration", step.region)
    return [call.json("--logging-config", step.config).render()]


def _create_log_group(step: CreateLogGroup) -> list[str]:
    exact = f"length(logGroups[?logGroupName=={jmespath_literal(step.log_group_name)}])"
    count = _Call("logs", "describe-log-groups", step.region)
    count.text("--log-group-name-prefix", "logGroupNamePrefix", step.log_group_name)
    count.query(exact, "json")  # json: the query sees every page at once
    create = _Call("logs", "create-log-group", step.region)
    create.text("--log-group-name", "logGroupName", step.log_group_name)
    create.text("--log-group-class", "logGroupClass", "STANDARD")
    lines = [
        f"aip_found=$({count.render()})",
        'if [ "$aip_found" = 0 ]; then',
        *_indent(create.render()),
    ]
    if step.retention_in_days is not None:
        retention = _Call("logs", "put-retention-policy", step.region)
        retention.text("--log-group-name", "logGroupName", step.log_group_name)
        retention.number("--retention-in-days", step.retention_in_days)
        lines += _indent(retention.render())
    lines += [
        "else",
        "  echo '    the log group exists; kept as it is (retention included)'",
        "fi",
    ]
    return lines


def _put_query_definition(step: PutQueryDefinition) -> list[str]:
    ids = f"queryDefinitions[?name=={jmespath_literal(step.name)}].queryDefinitionId"
    lookups = []
    for language in (step.query_language, None):
        find = _Call("logs", "describe-query-definitions", step.region)
        find.text("--query-definition-name-prefix", "queryDefinitionNamePrefix", step.name)
        if language is not None:
            find.text("--query-language", "queryLanguage", language)
        find.number("--max-results", 1000)
        lookups.append(find.query(ids, "text").render())

    def put(with_id: bool) -> str:
        call = _Call("logs", "put-query-definition", step.region)
        call.text("--name", "name", step.name)
        if with_id:
            call.raw('--query-definition-id "$aip_id"')
        call.text("--query-string", "queryString", step.query_string)
        call.json("--log-group-names", step.log_group_names)
        return call.text("--query-language", "queryLanguage", step.query_language).render()

    return [
        "# Looked up by exact name (in its language first), so a second run updates it.",
        f"aip_id=$({lookups[0]})",
        'if [ -z "$aip_id" ] || [ "$aip_id" = None ]; then',
        f"  aip_id=$({lookups[1]})",
        "fi",
        "aip_id=${aip_id%%[[:space:]]*}",
        'if [ -n "$aip_id" ] && [ "$aip_id" != None ]; then',
        '  echo "    updating query definition $aip_id"',
        *_indent(put(True)),
        "else",
        *_indent(put(False)),
        "fi",
    ]


def _step_comment(step: Step) -> list[str]:
    lines = [step.reason, *step.notes]
    targets = ", ".join(sorted({t.check_id for t in step.targets}))
    if targets:
        lines.append(f"fixes: {targets}")
    return _comment(*lines)


def _unresolved_comment(step: Unresolved) -> list[str]:
    checks = ", ".join(sorted({t.check_id for t in step.targets})) or "(no check)"
    todo = (
        f"set {step.config_key} in the aiposture configuration, then scan and remediate again"
        if step.config_key
        else "no configuration key fixes it: change it by hand"
    )
    return _comment(f"NOT FIXED by this script: {checks} in {step.region}", step.reason, todo)


def _unresolved_summary(steps: Sequence[Unresolved]) -> list[str]:
    if not steps:
        return []
    n = len(steps)
    head = (
        f"{n} failure is not fixed by this script:"
        if n == 1
        else (f"{n} failures are not fixed by this script:")
    )
    lines = ["{", f"  printf '%s\\n' {quote(head)}"]
    for step in steps:
        checks = ", ".join(sorted({t.check_id for t in step.targets})) or "(no check)"
        lines.append(
            f"  printf '  - %s in %s: %s\\n' {quote(checks)} {quote(step.region)} "
            f"{quote(_printable(step.reason))}"
        )
        if step.config_key:
            lines.append(f"  printf '      set %s\\n' {quote(_printable(step.config_key))}")
        else:
            lines.append("  printf '      no configuration key fixes it: change it by hand\\n'")
    lines.append("} >&2")
    return lines


def _regions(steps: Iterable[Step]) -> list[str]:
    return list(dict.fromkeys(s.region for s in steps))


def _unverified_guard(account_id: str, failure: str, env: str) -> list[str]:
    """The script's first statement: refuse to run a plan that failed verification.

    It runs only when ``env`` holds the account id (one account's script at a time, never a
    variable left set for every plan); otherwise one line on stderr and exit
    :data:`EXIT_UNVERIFIED`, before anything else.
    """
    message = (
        f"apply.sh for account {account_id} not run: {failure}; nothing was changed "
        f"(review README.md; to run it anyway set {env}={account_id})"
    )
    return [
        *_comment(f"GUARD: {failure}.", f"It runs only with {env}={account_id}."),
        f'if [ "${{{env}:-}}" != {quote(account_id)} ]; then',
        f"  printf '%s\\n' {quote(_printable(message))} >&2",
        f"  exit {EXIT_UNVERIFIED}",
        "fi",
    ]


def render_script(
    plan: Plan, account: AccountPlan, unverified: tuple[str, str] | None = None
) -> str:
    """The bash script that applies ``account``'s steps of ``plan`` with the AWS CLI.

    ``unverified`` (why the plan failed verification, and the override variable's name)
    puts a guard first: the script then refuses to run unless that variable holds the
    account id. Raises :class:`ValueError` when a step belongs to another account or would
    turn something off (a plan never does either).
    """
    for step in account.steps:
        if step.account_id != account.account_id:
            raise ValueError(
                f"step {step.kind} is for account {step.account_id}, not {account.account_id}"
            )
    changes = account.changes
    unresolved = account.unresolved
    total = len(changes)
    regions = _regions(account.steps)
    guard_region = regions[0] if regions else "us-east-1"
    acct = account.account_id

    out: list[str] = ["#!/usr/bin/env bash"]
    out += _comment(
        f"aiposture fix plan for AWS account {acct}",
        "generated by aiposture remediate; review before running",
        f"aiposture {plan.tool_version}, generated {plan.generated_at.isoformat()}",
        f"from the snapshot with sha256 {plan.snapshot_sha256}",
        f"{total} changes in {', '.join(regions) or 'no region'}; "
        f"{len(unresolved)} failures it does not fix (listed at the end)",
        "",
        "Needs the AWS CLI (v1 or v2) and python3, and credentials of this account: it",
        f"stops (exit {EXIT_WRONG_ACCOUNT}) when they are for another one. Before its first",
        "change it reads every value a replace-style call overwrites; when one changed",
        f"since the scan it changes nothing and stops (exit {EXIT_DRIFT}). It never deletes,",
        "stops or turns anything off, and running it again is safe: what is already",
        "applied is skipped. Exit 0: everything applied or already applied.",
    )
    out += [""]
    if unverified is not None:
        out += [*_unverified_guard(acct, *unverified), ""]
    out += ["set -euo pipefail", "export AWS_PAGER=''", ""]
    out += [
        "for aip_tool in aws python3; do",
        '  if ! command -v "$aip_tool" >/dev/null 2>&1; then',
        "    printf 'this script needs %s on the PATH\\n' \"$aip_tool\" >&2",
        "    exit 1",
        "  fi",
        "done",
        "",
        _HELPERS,
        "",
    ]

    identity = _Call("sts", "get-caller-identity", guard_region).query("Account", "text")
    out += _comment("Account guard: credentials of any other account never apply this plan.")
    out += [
        f"aip_expected={quote(acct)}",
        f"if ! aip_account=$({identity.render()}); then",
        "  echo 'cannot tell which account these credentials are for (sts get-caller-identity failed); "
        "nothing was changed' >&2",
        f"  exit {EXIT_WRONG_ACCOUNT}",
        "fi",
        'if [ "$aip_account" != "$aip_expected" ]; then',
        "  printf 'these credentials are for account %s but this plan is for account %s; "
        'nothing was changed\\n\' "$aip_account" "$aip_expected" >&2',
        f"  exit {EXIT_WRONG_ACCOUNT}",
        "fi",
        "printf 'account %s: %s changes\\n' \"$aip_account\" " + quote(total),
        "",
    ]

    numbered = list(enumerate(changes, start=1))
    guarded = [(n, s) for n, s in numbered if _guarded(s)]
    if guarded:
        out += _comment(
            "Drift guard: read every value a replace-style call overwrites, before any change."
        )
        out.append(f"echo '==> checking {len(guarded)} values the plan overwrites'")
        for number, step in guarded:
            out += _guard_block(number, step)
        out += [
            'if [ "${#aip_drift[@]}" -gt 0 ]; then',
            '  for aip_what in "${aip_drift[@]}"; do',
            "    printf '%s changed since the scan; run aiposture scan and remediate again\\n' "
            '"$aip_what" >&2',
            "  done",
            "  echo 'nothing was changed' >&2",
            f"  exit {EXIT_DRIFT}",
            "fi",
            "",
        ]

    for number, step in numbered:
        out += _step_comment(step)
        out.append(
            "aip_step "
            + " ".join(
                quote(_printable(str(v)))
                for v in (number, total, step.region, step.operation.split(" ", 1)[1], step.subject)
            )
        )
        body = _apply_lines(step)
        if _guarded(step):
            out += [
                f'if [ "$aip_state_{number}" = applied ]; then',
                "  echo '    already applied, skipping'",
                "else",
                *("  " + line for line in body),
                "fi",
            ]
        else:
            out += body
        out.append("")

    for step in unresolved:
        out += _unresolved_comment(step)
        out.append("")

    out += ['aip_current=""', "echo 'done: every change is applied or was already applied'"]
    out += _unresolved_summary(unresolved)
    out.append("exit 0")
    return "\n".join(out) + "\n"
