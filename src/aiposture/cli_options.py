"""The command line's options: every click option declaration, shared or per command.

The options that override the configuration file arrive in the command as one typed
``overrides`` argument (:class:`~aiposture.overrides.ConfigOverrides`), the collection's run
flags as one ``run`` argument (:class:`~aiposture.overrides.RunFlags`): a command never
receives them one by one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import click

from aiposture.overrides import ConfigOverrides, RunFlags, split_commas
from aiposture.results import Severity

F = TypeVar("F", bound=Callable[..., Any])
FAIL_ON_CHOICES = [s.value for s in Severity] + ["none"]
"""What ``--fail-on`` takes: a severity, or ``none`` (never fail)."""


def stack(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator that applies ``decorators`` as if stacked in this order (first on top)."""

    def apply(func: F) -> F:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def gather(target: str, build: Callable[..., Any]) -> Callable[[F], F]:
    """Pass the command the values of ``build``'s parameters as one ``target`` argument.

    ``build`` receives the click values by name; for ``target="overrides"`` it returns the
    :class:`ConfigOverrides` fields those flags set, laid over the overrides gathered so far.
    """
    names = list(inspect.signature(build).parameters)

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            built = build(**{name: kwargs.pop(name) for name in names})
            if target == "overrides":
                built = replace(kwargs.get("overrides", ConfigOverrides()), **built)
            return func(*args, **{**kwargs, target: built})

        return cast(F, wrapper)

    return decorator


def comma_list(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    """A repeatable comma-separated option as one list of names (a click callback)."""
    return split_commas(value)


def as_date(ctx: click.Context, param: click.Parameter, value: datetime | None) -> date | None:
    """A ``--today`` value as a date (a click callback)."""
    return value.date() if value is not None else None


def _aws(
    profile: str | None,
    regions: tuple[str, ...],
    endpoint_url: str | None,
    assume_roles: tuple[str, ...],
) -> dict[str, Any]:
    return {
        "profile": profile or None,
        "regions": tuple(split_commas(regions)) if regions else None,
        "endpoint_url": endpoint_url or None,
        "assume_roles": tuple(assume_roles) or None,
    }


aws_options = stack(
    gather("overrides", _aws),
    click.option("--profile", envvar="AWS_PROFILE", help="AWS profile. Env: AWS_PROFILE."),
    click.option(
        "--regions",
        multiple=True,
        metavar="R1,R2",
        help="Regions to scan (default: every enabled region).",
    ),
    click.option(
        "--endpoint-url",
        envvar="AWS_ENDPOINT_URL",
        help="Send every call to this endpoint (moto, LocalStack). Env: AWS_ENDPOINT_URL.",
    ),
    click.option(
        "--assume-role",
        "assume_roles",
        multiple=True,
        metavar="ARN",
        help="Also scan the account of this role (repeatable).",
    ),
)
"""The standard AWS options: profile, regions, endpoint, roles to assume (into ``overrides``)."""


def _org(
    org: bool | None,
    role_name: str | None,
    external_id: str | None,
    accounts: tuple[str, ...],
    exclude_accounts: tuple[str, ...],
) -> dict[str, Any]:
    return {
        "org": org,
        "role_name": role_name,
        "external_id": external_id,
        "accounts": tuple(split_commas(accounts)) or None,
        "exclude_accounts": tuple(split_commas(exclude_accounts)) or None,
    }


org_options = stack(
    gather("overrides", _org),
    click.option(
        "--org",
        is_flag=True,
        default=None,
        help="Scan every active account of the organization (Organizations ListAccounts).",
    ),
    click.option(
        "--role-name",
        help="Role assumed in each member account (default OrganizationAccountAccessRole).",
    ),
    click.option("--external-id", help="External id the member roles' trust policy requires."),
    click.option(
        "--accounts",
        multiple=True,
        metavar="ID1,ID2",
        help="Organization scan: only these account ids.",
    ),
    click.option(
        "--exclude-accounts",
        multiple=True,
        metavar="ID1,ID2",
        help="Organization scan: leave these account ids out.",
    ),
)
"""The organization-scan options (``--org`` and what it uses; into ``overrides``)."""


def _workers(workers: int | None) -> dict[str, Any]:
    return {"workers": workers}


run_options = stack(
    gather("overrides", _workers),
    gather("run", RunFlags),
    click.option(
        "--workers",
        type=click.IntRange(1, 64),
        default=None,
        help="Account-region units read at once (default from config: 16).",
    ),
    click.option(
        "--log-format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="text: a progress bar on a terminal, quiet under CI; json: one JSON event "
        "per line on stderr.",
    ),
    click.option(
        "--checkpoint-dir",
        type=click.Path(path_type=Path, file_okay=False),
        metavar="DIR",
        help="Snapshot folder that receives each account as soon as it is collected "
        "(default: the snapshot file's path + '.partial'; removed once the file is written).",
    ),
    click.option(
        "--resume",
        "resume_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Continue the interrupted scan whose snapshot folder is DIR: collect only "
        "the accounts it misses (the plan, regions and roles come from DIR).",
        metavar="DIR",
    ),
    click.option(
        "--shard",
        metavar="K/N",
        help="Collect only shard K of N of the accounts (deterministic by account id); "
        "join the shards' snapshots with `aiposture merge`.",
    ),
    click.option(
        "--scan-id",
        metavar="ID",
        help="The scan id to record; give every shard of one run the same one (for example "
        "the CI run id), so that `aiposture merge` refuses a shard of another run "
        "(default: a hash of the plan: accounts, regions).",
    ),
    click.option(
        "--since",
        metavar="Nd|DATE",
        help="Audit period for the continuity checks: the last N days (e.g. 90d) or since a "
        "date (YYYY-MM-DD), until the scan (default: 90d, the most CloudTrail LookupEvents "
        "keeps).",
    ),
    click.option(
        "--period",
        metavar="FIRST..LAST",
        help="Audit period as two dates, both included, in UTC (e.g. 2026-07-01..2026-09-30 "
        "for a quarter); instead of --since.",
    ),
    click.option(
        "--no-history",
        is_flag=True,
        help="Do not read the event history (CloudTrail LookupEvents): the continuity "
        "checks are then NOT_APPLICABLE.",
    ),
    click.option(
        "--lookup-events-per-second",
        type=float,
        default=None,
        envvar="AIPOSTURE_LOOKUP_EVENTS_PER_SECOND",
        metavar="N",
        help="LookupEvents calls per second per account and region (default 2, AWS's "
        "limit). Env: AIPOSTURE_LOOKUP_EVENTS_PER_SECOND.",
    ),
)
"""How a collection runs: workers (into ``overrides``), and logs, checkpoint folder, resume,
shard, scan id and the event history's period and pace (into ``run``)."""


def out_option(
    dest: str, help: str, default: Path | None = None, **kwargs: Any
) -> Callable[[F], F]:
    """An ``--out`` option into ``dest`` (a file or folder path; its default shown when set)."""
    return click.option(
        "--out",
        dest,
        type=click.Path(path_type=Path),
        default=default,
        show_default=default is not None,
        help=help,
        **kwargs,
    )


def formats_option(help: str) -> Callable[[F], F]:
    """The ``--format F1,F2`` option (repeatable, comma-separated) into ``formats``."""
    return click.option(
        "--format", "formats", multiple=True, metavar="F1,F2", callback=comma_list, help=help
    )


def fail_on_option(help: str, default: str | None = None) -> Callable[[F], F]:
    """The ``--fail-on SEVERITY`` gate option (its default shown when set)."""
    return click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON_CHOICES),
        default=default,
        show_default=default is not None,
        help=help,
    )


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Configuration file (TOML, YAML or JSON).",
)
"""The --config option."""

min_score_option = click.option(
    "--min-score",
    "min_scores",
    multiple=True,
    metavar="[DIMENSION=]N",
    help="Exit 1 when the overall score (N) or a dimension's score (e.g. "
    "agentic.identity=80) is below N, or not measured (repeatable; adds to config "
    "report.min_score).",
)
"""The repeatable --min-score option of the readiness gate."""

today_option = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    hidden=True,
    callback=as_date,
    help="Judge waiver expiry as of this date (YYYY-MM-DD; for tests).",
)
"""The hidden --today: the date waivers expire against (a date)."""


def _regions_in_use(regions_in_use: Literal["auto", "all"] | None) -> dict[str, Any]:
    return {"regions_in_use": regions_in_use}


regions_in_use_option = stack(
    gather("overrides", _regions_in_use),
    click.option(
        "--regions-in-use",
        type=click.Choice(["auto", "all"]),
        default=None,
        help="auto: in a region with no resource and no use of a workload, its checks are "
        "NOT_APPLICABLE with the reason (the baseline is judged everywhere); all: judge "
        "every check in every region (default from config: scan.regions_in_use, auto).",
    ),
)
"""The --regions-in-use option (into ``overrides``): scope per-workload checks by use."""


def _files(waivers: Path | None, baseline: Path | None) -> dict[str, Any]:
    return {"waivers": waivers, "baseline": baseline}


results_options = stack(
    gather("overrides", _files),
    click.option(
        "--waivers",
        type=click.Path(path_type=Path),
        default=None,
        help="Waivers file (YAML) (default from config: report.waivers).",
    ),
    click.option(
        "--baseline",
        type=click.Path(path_type=Path),
        default=None,
        help="A previous results.json: the reports show what changed since "
        "(default from config: report.baseline).",
    ),
    today_option,
)
"""--waivers and --baseline (into ``overrides``), and the hidden --today."""

report_options = stack(
    out_option("out_dir", "Output folder (default from config: aiposture-out)."),
    formats_option("Report formats (default from config: json,html,pdf)."),
    fail_on_option(
        "Exit 1 when a check of this severity or above fails or is unverified "
        "(default from config: high; 'none' never fails)."
    ),
    min_score_option,
    results_options,
    regions_in_use_option,
)
"""Output folder, formats, the failure threshold, the score minimums, waivers, baseline,
and how regions are scoped by use."""

sign_option = click.option(
    "--sign-key",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="AIPOSTURE_SIGN_KEY",
    default=None,
    metavar="PEM",
    help="Sign the folder's MANIFEST.json with this Ed25519 private key (PEM; make one "
    "with `openssl genpkey -algorithm ed25519`). Check with `aiposture verify "
    "--public-key`. Env: AIPOSTURE_SIGN_KEY.",
)
"""The --sign-key option: sign the output folder's manifest."""

collect_options = out_option("out_path", "Snapshot file to write.", Path("snapshot.json"))
"""``collect``'s own option: the snapshot file."""

merge_options = stack(
    out_option("out_path", "Merged snapshot file to write.", Path("snapshot.json")),
    click.option(
        "--allow-partial",
        is_flag=True,
        help="Merge an incomplete set anyway (a shard left out, an unfinished snapshot "
        "folder, snapshots that record no plan): the missing accounts stay in the plan and "
        "evaluate judges them ERROR.",
    ),
)
"""``merge``'s options: the merged file, and --allow-partial."""

evaluate_options = stack(
    config_option,
    out_option("out_path", "Results file to write.", Path("results.json")),
    fail_on_option("See `scan --help`."),
    min_score_option,
    results_options,
    regions_in_use_option,
)
"""``evaluate``'s options: config, results file, gate, waivers, baseline, scoping by use."""

remediate_options = stack(
    out_option(
        "out_dir",
        "Folder for the plan: plan.json, README.md and one folder per account.",
        required=True,
    ),
    click.option(
        "--snapshot",
        "snapshot_path",
        type=click.Path(path_type=Path),
        default=None,
        help="The snapshot the results were judged on (default: snapshot.json beside RESULTS).",
    ),
    config_option,
    click.option(
        "--verify",
        "show_verification",
        is_flag=True,
        help="Print the verification (each targeted result before and after); exit 1 if the "
        "plan would not fix every targeted result or would break one that passes.",
    ),
    click.option(
        "--force",
        is_flag=True,
        help="Write apply.sh even when the plan fails its verification (it is not written "
        "then); the script still refuses to run unless AIPOSTURE_APPLY_UNVERIFIED holds its "
        "account id.",
    ),
    sign_option,
)
"""``remediate``'s options: plan folder, snapshot, config, --verify, --force, --sign-key."""

report_command_options = stack(
    config_option,
    out_option("out_dir", "Output folder (default from config: aiposture-out)."),
    formats_option("Formats (default from config: json,html,pdf)."),
    fail_on_option("Exit 1 when a check of this severity or above fails or is unverified.", "none"),
    min_score_option,
    results_options,
    sign_option,
    click.option(
        "--snapshot",
        "snapshot_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Also put the snapshot the results were judged on into the folder (checked "
        "against the results), so the manifest and its signature cover the evidence too.",
    ),
)
"""``report``'s options: config, folder, formats, gate, waivers, baseline, key, snapshot."""

demo_options = stack(
    out_option("out_dir", "Output folder.", Path("out/demo")),
    formats_option("Formats (default: every format, see `aiposture report --help`)."),
    fail_on_option(
        "The demo organization fails checks on purpose; set a severity to see the gate.", "none"
    ),
    min_score_option,
    gather("overrides", _files),
    click.option(
        "--waivers",
        type=click.Path(path_type=Path),
        default=None,
        help="Waivers file (YAML) (default: the demo's own, with an applied, an expired and "
        "an unmatched waiver).",
    ),
    click.option(
        "--baseline",
        type=click.Path(path_type=Path),
        default=None,
        help="A previous results.json: the reports show what changed since.",
    ),
    today_option,
    regions_in_use_option,
    sign_option,
)
"""``demo``'s options: folder, formats, gate, waivers, baseline and scoping by use (into
``overrides``), key."""
