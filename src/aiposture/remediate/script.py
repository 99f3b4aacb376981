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
Every value in it comes from AWS and is untrusted: each one is quoted by
:func:`~aiposture.remediate.script_text.quote` (and JSON arguments are quoted JSON text),
names in JMESPath filters are JSON literals, and text in comments cannot end the comment
line (:mod:`.script_text`). The commands of each step and the drift guard are
:mod:`.script_steps`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aiposture.remediate.plan import AccountPlan, Plan, Step, Unresolved
from aiposture.remediate.script_steps import guard, guard_lines, step_commands
from aiposture.remediate.script_text import AwsCall, comment, printable, quote

__all__ = ["EXIT_DRIFT", "EXIT_UNVERIFIED", "EXIT_WRONG_ACCOUNT", "render_script"]

EXIT_WRONG_ACCOUNT = 2
"""The script's exit status when the credentials are not the plan's account."""
EXIT_UNVERIFIED = 4
"""The script's exit status when its plan failed verification and the override is not set."""
EXIT_DRIFT = 3
"""The script's exit status when a value it would overwrite changed since the scan."""

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


def _step_comment(step: Step) -> list[str]:
    lines = [step.reason, *step.notes]
    targets = ", ".join(sorted({t.check_id for t in step.targets}))
    if targets:
        lines.append(f"fixes: {targets}")
    return comment(*lines)


def _unresolved_comment(step: Unresolved) -> list[str]:
    checks = ", ".join(sorted({t.check_id for t in step.targets})) or "(no check)"
    if step.config_key:
        todo = (
            f"set {step.config_key} in the aiposture configuration, then scan and remediate again"
        )
    elif step.past_gap:
        todo = "a gap in the audit period: no change fixes the past; investigate it"
    else:
        todo = "no configuration key fixes it: change it by hand"
    return comment(f"NOT FIXED by this script: {checks} in {step.region}", step.reason, todo)


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
            f"{quote(printable(step.reason))}"
        )
        if step.config_key:
            lines.append(f"  printf '      set %s\\n' {quote(printable(step.config_key))}")
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
        *comment(f"GUARD: {failure}.", f"It runs only with {env}={account_id}."),
        f'if [ "${{{env}:-}}" != {quote(account_id)} ]; then',
        f"  printf '%s\\n' {quote(printable(message))} >&2",
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
    out += comment(
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

    identity = AwsCall("sts", "get-caller-identity", guard_region).query("Account", "text")
    out += comment("Account guard: credentials of any other account never apply this plan.")
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
    guards = {n: found for n, s in numbered if (found := guard(s)) is not None}
    if guards:
        out += comment(
            "Drift guard: read every value a replace-style call overwrites, before any change."
        )
        out.append(f"echo '==> checking {len(guards)} values the plan overwrites'")
        for number, found in guards.items():
            out += guard_lines(number, found)
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
                quote(printable(str(v)))
                for v in (number, total, step.region, step.operation.split(" ", 1)[1], step.subject)
            )
        )
        body = step_commands(step)
        if number in guards:
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
