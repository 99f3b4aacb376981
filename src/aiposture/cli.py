"""The command line: a thin click layer over :mod:`aiposture.api`."""

from __future__ import annotations

import importlib.util
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

import aiposture
from aiposture.config import Config, load_config
from aiposture.engine.exit_codes import ExitCode, gate, parse_min_scores
from aiposture.engine.results import Results, Severity
from aiposture.errors import AiPostureError, CollectionCancelled, ConfigError

if TYPE_CHECKING:
    from aiposture.api import RunOptions

F = TypeVar("F", bound=Callable[..., Any])
FAIL_ON_CHOICES = [s.value for s in Severity] + ["none"]


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def aws_options(func: F) -> F:
    """The standard AWS options: profile, regions, endpoint, roles to assume."""
    func = click.option(
        "--assume-role",
        "assume_roles",
        multiple=True,
        metavar="ARN",
        help="Also scan the account of this role (repeatable).",
    )(func)
    func = click.option(
        "--endpoint-url",
        envvar="AWS_ENDPOINT_URL",
        help="Send every call to this endpoint (moto, LocalStack). Env: AWS_ENDPOINT_URL.",
    )(func)
    func = click.option(
        "--regions",
        multiple=True,
        metavar="R1,R2",
        help="Regions to scan (default: every enabled region).",
    )(func)
    func = click.option("--profile", envvar="AWS_PROFILE", help="AWS profile. Env: AWS_PROFILE.")(
        func
    )
    return func


def org_options(func: F) -> F:
    """The organization-scan options (``--org`` and what it uses)."""
    func = click.option(
        "--exclude-accounts",
        multiple=True,
        metavar="ID1,ID2",
        help="Organization scan: leave these account ids out.",
    )(func)
    func = click.option(
        "--accounts",
        multiple=True,
        metavar="ID1,ID2",
        help="Organization scan: only these account ids.",
    )(func)
    func = click.option(
        "--external-id", help="External id the member roles' trust policy requires."
    )(func)
    func = click.option(
        "--role-name",
        help="Role assumed in each member account (default OrganizationAccountAccessRole).",
    )(func)
    func = click.option(
        "--org",
        is_flag=True,
        default=None,
        help="Scan every active account of the organization (Organizations ListAccounts).",
    )(func)
    return func


def _with_org(config: Config, org: dict[str, Any]) -> Config:
    """``config`` with the organization flags laid over its ``[scan]`` table."""
    flags: dict[str, Any] = {
        "org": org.get("org"),
        "role_name": org.get("role_name"),
        "external_id": org.get("external_id"),
        "accounts": _split(tuple(org.get("accounts") or ())) or None,
        "exclude_accounts": _split(tuple(org.get("exclude_accounts") or ())) or None,
    }
    scan = config.scan.model_copy(update={k: v for k, v in flags.items() if v is not None})
    return config.model_copy(update={"scan": scan})


def run_options(func: F) -> F:
    """How a collection runs: workers, logs, checkpoint folder, resume, shard."""
    func = click.option(
        "--shard",
        metavar="K/N",
        help="Collect only shard K of N of the accounts (deterministic by account id); "
        "join the shards' snapshots with `aiposture merge`.",
    )(func)
    func = click.option(
        "--resume",
        "resume_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Continue the interrupted scan whose snapshot folder is DIR: collect only "
        "the accounts it misses (the plan, regions and roles come from DIR).",
        metavar="DIR",
    )(func)
    func = click.option(
        "--checkpoint-dir",
        type=click.Path(path_type=Path, file_okay=False),
        metavar="DIR",
        help="Snapshot folder that receives each account as soon as it is collected "
        "(default: the snapshot file's path + '.partial'; removed once the file is written).",
    )(func)
    func = click.option(
        "--log-format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="text: a progress bar on a terminal, quiet under CI; json: one JSON event "
        "per line on stderr.",
    )(func)
    func = click.option(
        "--workers",
        type=click.IntRange(1, 64),
        default=None,
        help="Account-region units read at once (default from config: 16).",
    )(func)
    return func


def _run(config: Config, run: dict[str, Any]) -> tuple[Config, RunOptions]:
    """``config`` with --workers laid over it, and the run options of the other flags."""
    from aiposture.api import RunOptions
    from aiposture.collect.progress import choose_observer, configure_logging
    from aiposture.snapshot.store import parse_shard

    configure_logging(run["log_format"])
    if run.get("workers") is not None:
        scan = config.scan.model_copy(update={"workers": run["workers"]})
        config = config.model_copy(update={"scan": scan})
    resume: Path | None = run.get("resume_dir")
    checkpoint: Path | None = run.get("checkpoint_dir")
    if resume is not None and checkpoint is not None and resume != checkpoint:
        raise ConfigError("--resume names the folder to continue; leave out --checkpoint-dir")
    shard = parse_shard(run["shard"]) if run.get("shard") else None
    options = RunOptions(
        checkpoint=resume or checkpoint,
        resume=resume is not None,
        shard=shard,
        observer=choose_observer(run["log_format"]),
    )
    return config, options


def config_option(func: F) -> F:
    """The --config option."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        help="Configuration file (TOML or YAML).",
    )(func)


def min_score_option(func: F) -> F:
    """The repeatable --min-score option of the readiness gate."""
    return click.option(
        "--min-score",
        "min_scores",
        multiple=True,
        metavar="[DIMENSION=]N",
        help="Exit 1 when the overall score (N) or a dimension's score (e.g. "
        "agentic.identity=80) is below N, or not measured (repeatable; adds to config "
        "report.min_score).",
    )(func)


def results_options(func: F) -> F:
    """--waivers, --baseline and the hidden --today (the date waivers expire against)."""
    func = click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        hidden=True,
        help="Judge waiver expiry as of this date (YYYY-MM-DD; for tests).",
    )(func)
    func = click.option(
        "--baseline",
        type=click.Path(path_type=Path),
        default=None,
        help="A previous results.json: the reports show what changed since "
        "(default from config: report.baseline).",
    )(func)
    func = click.option(
        "--waivers",
        type=click.Path(path_type=Path),
        default=None,
        help="Waivers file (YAML) (default from config: report.waivers).",
    )(func)
    return func


def report_options(func: F) -> F:
    """Output folder, formats, the failure threshold, the score minimums, waivers, baseline."""
    func = results_options(func)
    func = min_score_option(func)
    func = click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON_CHOICES),
        default=None,
        help="Exit 1 when a check of this severity or above fails or is unverified "
        "(default from config: high; 'none' never fails).",
    )(func)
    func = click.option(
        "--format",
        "formats",
        multiple=True,
        metavar="F1,F2",
        help="Report formats (default from config: json,html,pdf).",
    )(func)
    func = click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Output folder (default from config: aiposture-out).",
    )(func)
    return func


def _load(
    config_path: Path | None,
    profile: str | None,
    regions: tuple[str, ...],
    endpoint_url: str | None,
    assume_roles: tuple[str, ...],
) -> Config:
    """The configuration file, with the per-run AWS flags laid over its ``[scan]`` table."""
    config = load_config(config_path)
    if regions and not _split(regions):
        raise ConfigError("--regions names no region (give e.g. --regions us-east-1,eu-west-1)")
    flags = {
        "profile": profile,
        "regions": _split(regions),
        "endpoint_url": endpoint_url,
        "assume_roles": list(assume_roles),
    }
    scan = config.scan.model_copy(update={k: v for k, v in flags.items() if v})
    return config.model_copy(update={"scan": scan})


def _with_files(config: Config, waivers: Path | None, baseline: Path | None) -> Config:
    """``config`` with the --waivers and --baseline flags laid over its ``[report]`` table."""
    flags = {"waivers": waivers, "baseline": baseline}
    report = config.report.model_copy(update={k: v for k, v in flags.items() if v is not None})
    return config.model_copy(update={"report": report})


def _today(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _finish(results: Results, fail_on: str, min_scores: dict[str, float]) -> None:
    """Print the summary and the waiver problems; exit as the readiness gate decides."""
    counts = results.counts()
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    score = results.scores.overall
    click.echo(
        f"{len(results.results)} results: {summary}"
        + (f"; overall score {score}" if score is not None else ""),
        err=True,
    )
    for record in results.waivers:
        if record.status.value != "applied" or record.errors_not_waived:
            note = f"waiver {record.id!r}: {record.status.value}"
            if record.status.value == "expired":
                note += f" on {record.expires.isoformat()}, waives nothing"
            if record.errors_not_waived:
                note += f"; {record.errors_not_waived} unverified (ERROR) result(s) not waived"
            click.echo(note, err=True)
    decision = gate(results, None if fail_on == "none" else Severity(fail_on), min_scores)
    for reason in decision.reasons:
        click.echo(f"gate: {reason}", err=True)
    if decision.code != ExitCode.OK:
        sys.exit(int(decision.code))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(aiposture.__version__, prog_name="aiposture")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Check that AWS accounts monitor their AI workloads the way the guides require."""
    ctx.obj = {"debug": debug}
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


RUN_KEYS = ("workers", "log_format", "checkpoint_dir", "resume_dir", "shard")


def _pop_run(org: dict[str, Any]) -> dict[str, Any]:
    """Split the run flags out of the keyword arguments click passed."""
    return {k: org.pop(k) for k in RUN_KEYS if k in org}


@cli.command()
@config_option
@aws_options
@org_options
@run_options
@report_options
def scan(
    config_path: Path | None,
    profile: str | None,
    regions: tuple[str, ...],
    endpoint_url: str | None,
    assume_roles: tuple[str, ...],
    out_dir: Path | None,
    formats: tuple[str, ...],
    fail_on: str | None,
    min_scores: tuple[str, ...],
    waivers: Path | None,
    baseline: Path | None,
    today: datetime | None,
    **org: Any,
) -> None:
    """Collect, evaluate and render in one go."""
    from aiposture.api import scan as run_scan

    run_flags = _pop_run(org)
    config = _with_files(
        _with_org(_load(config_path, profile, regions, endpoint_url, assume_roles), org),
        waivers,
        baseline,
    )
    config, run = _run(config, run_flags)
    minimums = parse_min_scores(min_scores, config.report.min_score)
    out = out_dir or config.report.output_dir
    output = run_scan(
        config, out, _split(formats) or config.report.formats, today=_today(today), run=run
    )
    click.echo(str(out.resolve()))
    _finish(output.results, fail_on or config.report.fail_on.value, minimums)


@cli.command()
@config_option
@aws_options
@org_options
@run_options
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    default=Path("snapshot.json"),
    show_default=True,
    help="Snapshot file to write.",
)
def collect(
    config_path: Path | None,
    profile: str | None,
    regions: tuple[str, ...],
    endpoint_url: str | None,
    assume_roles: tuple[str, ...],
    out_path: Path,
    **org: Any,
) -> None:
    """Read the accounts and write a snapshot (the evidence)."""
    from aiposture.api import collect_to_file

    run_flags = _pop_run(org)
    config = _with_org(_load(config_path, profile, regions, endpoint_url, assume_roles), org)
    config, run = _run(config, run_flags)
    _, digest = collect_to_file(config, out_path, run=run)
    click.echo(f"{out_path} sha256={digest}")


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    default=Path("snapshot.json"),
    show_default=True,
    help="Merged snapshot file to write.",
)
def merge(inputs: tuple[Path, ...], out_path: Path) -> None:
    """Join snapshots of one scan (shard files or complete folders) into one snapshot."""
    from aiposture.snapshot.io import dump_snapshot
    from aiposture.snapshot.store import merge_paths

    merged = merge_paths(list(inputs))
    digest = dump_snapshot(merged, out_path)
    click.echo(f"{out_path} sha256={digest} accounts={len(merged.accounts)}")


@cli.command()
@click.argument("snapshot_path", type=click.Path(path_type=Path))
@config_option
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    default=Path("results.json"),
    show_default=True,
    help="Results file to write.",
)
@click.option(
    "--fail-on", type=click.Choice(FAIL_ON_CHOICES), default=None, help="See `scan --help`."
)
@min_score_option
@results_options
def evaluate(
    snapshot_path: Path,
    config_path: Path | None,
    out_path: Path,
    fail_on: str | None,
    min_scores: tuple[str, ...],
    waivers: Path | None,
    baseline: Path | None,
    today: datetime | None,
) -> None:
    """Judge a snapshot (a file, or a complete snapshot folder) offline and write results."""
    from aiposture.api import evaluate_snapshot, finish_results
    from aiposture.engine.catalog import load_catalog
    from aiposture.engine.results import dump_results
    from aiposture.snapshot.io import load_snapshot, snapshot_sha256
    from aiposture.snapshot.store import load_any

    config = _with_files(load_config(config_path), waivers, baseline)
    minimums = parse_min_scores(min_scores, config.report.min_score)
    if snapshot_path.is_dir():
        snapshot = load_any(snapshot_path)
        digest = snapshot_sha256(snapshot)
    else:
        snapshot, digest = load_snapshot(snapshot_path)
    catalog = load_catalog()
    results = evaluate_snapshot(snapshot, config, catalog=catalog, sha256=digest)
    results = finish_results(results, config, today=_today(today), catalog=catalog)
    dump_results(results, out_path)
    click.echo(str(out_path))
    _finish(results, fail_on or config.report.fail_on.value, minimums)


@cli.command()
@click.argument("results_path", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for the plan: plan.json, README.md and one folder per account.",
)
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(path_type=Path),
    default=None,
    help="The snapshot the results were judged on (default: snapshot.json beside RESULTS).",
)
@config_option
@click.option(
    "--verify",
    "show_verification",
    is_flag=True,
    help="Print the verification (each targeted result before and after); exit 1 if the plan "
    "would not fix every targeted result or would break one that passes.",
)
def remediate(
    results_path: Path,
    out_dir: Path,
    snapshot_path: Path | None,
    config_path: Path | None,
    show_verification: bool,
) -> None:
    """Write a fix plan for every failing result: script, CloudFormation, Terraform, Markdown.

    aiposture applies nothing: review the plan, then run it with credentials for each account.
    """
    from aiposture.engine.catalog import load_catalog
    from aiposture.engine.results import load_results
    from aiposture.errors import SnapshotError
    from aiposture.remediate.build import plan_and_verify
    from aiposture.remediate.outputs import write_plan
    from aiposture.snapshot.io import load_snapshot

    config = load_config(config_path)
    results = load_results(results_path)
    snapshot_file = snapshot_path or results_path.parent / "snapshot.json"
    snapshot, digest = load_snapshot(snapshot_file)
    if results.scan.snapshot_sha256 != digest:
        raise SnapshotError(
            f"{results_path} was not judged on {snapshot_file} (snapshot sha256 "
            f"{results.scan.snapshot_sha256[:12]}, file {digest[:12]}); give the right --snapshot"
        )
    plan, verification = plan_and_verify(snapshot, results, load_catalog(), config, digest)
    write_plan(plan, out_dir, verification)
    changes = sum(len(a.changes) for a in plan.accounts)
    unresolved = sum(len(a.unresolved) for a in plan.accounts)
    click.echo(str(out_dir))
    click.echo(
        f"{changes} change(s) in {len(plan.accounts)} account(s) fix {len(verification.fixed)} "
        f"failing result(s); {unresolved} failure(s) need a value or a manual change "
        "(see README.md)",
        err=True,
    )
    if show_verification:
        for c in [*verification.fixed, *verification.not_fixed]:
            where = "/".join(x for x in (c.account_id, c.region) if x)
            after = c.after.value if c.after else "gone"
            click.echo(f"{c.before.value:>5} -> {after:<5} {c.check_id} {where}")
        for c in verification.regressed:
            where = "/".join(x for x in (c.account_id, c.region) if x)
            click.echo(f"REGRESSED {c.before.value} -> {c.after} {c.check_id} {where}")
        click.echo(
            f"verification: {len(verification.fixed)} of {verification.targeted} targeted "
            f"result(s) pass after the plan; {len(verification.regressed)} regression(s); "
            f"{verification.unchanged} result(s) unchanged"
        )
    if not verification.ok:
        click.echo("aiposture: the plan does not verify: do not apply it (see README.md)", err=True)
        sys.exit(int(ExitCode.FINDINGS))


@cli.command()
@click.argument("results_path", type=click.Path(path_type=Path))
@config_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default from config: aiposture-out).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="F1,F2",
    help="Formats (default from config: json,html,pdf).",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default="none",
    show_default=True,
    help="Exit 1 when a check of this severity or above fails or is unverified.",
)
@min_score_option
@results_options
def report(
    results_path: Path,
    config_path: Path | None,
    out_dir: Path | None,
    formats: tuple[str, ...],
    fail_on: str,
    min_scores: tuple[str, ...],
    waivers: Path | None,
    baseline: Path | None,
    today: datetime | None,
) -> None:
    """Render a results file in the chosen formats (re-applying waivers, adding a baseline)."""
    from aiposture.api import finish_results, render
    from aiposture.engine.results import load_results

    config = _with_files(load_config(config_path), waivers, baseline)
    minimums = parse_min_scores(min_scores, config.report.min_score)
    results = finish_results(load_results(results_path), config, today=_today(today))
    out = out_dir or config.report.output_dir
    for path in render(results, _split(formats) or config.report.formats, out):
        click.echo(str(path))
    _finish(results, fail_on, minimums)


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out/demo"),
    show_default=True,
    help="Output folder.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="F1,F2",
    help="Formats (default: every format, see `aiposture report --help`).",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default="none",
    show_default=True,
    help="The demo organization fails checks on purpose; set a severity to see the gate.",
)
@min_score_option
@click.option(
    "--waivers",
    type=click.Path(path_type=Path),
    default=None,
    help="Waivers file (YAML) (default: the demo's own, with an applied, an expired and an "
    "unmatched waiver).",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    default=None,
    help="A previous results.json: the reports show what changed since.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    hidden=True,
    help="Judge waiver expiry as of this date (YYYY-MM-DD; for tests).",
)
def demo(
    out_dir: Path,
    formats: tuple[str, ...],
    fail_on: str,
    min_scores: tuple[str, ...],
    waivers: Path | None,
    baseline: Path | None,
    today: datetime | None,
) -> None:
    """Scan the embedded demo organization (moto; no credentials needed)."""
    if importlib.util.find_spec("moto") is None:
        raise ConfigError("the demo needs moto: pip install 'aiposture[demo]'")
    from aiposture.api import demo_waivers_path
    from aiposture.api import scan as run_scan
    from aiposture.demo import demo_environment
    from aiposture.report import available_formats

    minimums = parse_min_scores(min_scores)
    with demo_environment() as env:
        config = _with_files(env.org.config, waivers or demo_waivers_path(), baseline)
        output = run_scan(
            config,
            out_dir,
            _split(formats) or available_formats(),
            factory=env.factory,
            today=_today(today),
        )
    for path in output.report_paths:
        click.echo(f"  {path}", err=True)
    click.echo(str(out_dir.resolve()))
    _finish(output.results, fail_on, minimums)


@cli.command("diff")
@click.argument("old_path", type=click.Path(path_type=Path))
@click.argument("new_path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--fail-on-regression",
    is_flag=True,
    help="Exit 1 when NEW has a new failure or a regression against OLD.",
)
def diff_command(old_path: Path, new_path: Path, fmt: str, fail_on_regression: bool) -> None:
    """Show what changed from results file OLD (the baseline) to NEW."""
    from aiposture.engine.diff import diff_results, has_regression, load_baseline, render_diff
    from aiposture.engine.results import load_results

    old = load_baseline(old_path)
    new = load_results(new_path)
    changes = diff_results(old, new)
    click.echo(render_diff(changes, fmt), nl=False)
    if fail_on_regression and has_regression(changes):
        click.echo(
            f"diff: {len(changes.new_failures)} new failure(s), "
            f"{len(changes.regressed)} regression(s)",
            err=True,
        )
        sys.exit(int(ExitCode.FINDINGS))


@cli.group()
def checks() -> None:
    """The check catalog."""


@checks.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def checks_list(as_json: bool) -> None:
    """List every check."""
    from aiposture.engine.catalog import load_catalog

    catalog = load_catalog()
    if as_json:
        rows = [
            {
                "id": c.check.id,
                "severity": c.check.severity.value,
                "title": c.check.title,
                "seed_refs": c.check.seed_refs,
            }
            for c in catalog.checks
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for item in catalog.checks:
        c = item.check
        click.echo(f"{c.id:<52} {c.severity.value:<9} {c.title}")
    click.echo(f"{len(catalog.checks)} checks, catalog {catalog.version}", err=True)


@checks.command("show")
@click.argument("check_id")
def checks_show(check_id: str) -> None:
    """Show one check in full."""
    import yaml

    from aiposture.engine.catalog import load_catalog

    item = load_catalog().get(check_id)
    if item is None:
        raise ConfigError(f"no check with id '{check_id}' (see `aiposture checks list`)")
    data = item.check.model_dump(mode="json")
    data["rule"]["summary"] = item.kind.summary
    click.echo(yaml.safe_dump(data, sort_keys=False, width=100, allow_unicode=True))


@cli.command()
@click.option(
    "--security-audit-addition",
    is_flag=True,
    help="Print only the statement the AWS managed policy SecurityAudit lacks "
    "(attach it next to SecurityAudit).",
)
def policy(security_audit_addition: bool) -> None:
    """Print the least-privilege read-only IAM policy aiposture needs."""
    from aiposture.collect import policy as iam

    if not security_audit_addition:
        click.echo(json.dumps(iam.iam_policy(), indent=2))
        return
    addition = iam.security_audit_addition()
    if addition is None:
        click.echo("SecurityAudit grants every action aiposture reads: nothing to add", err=True)
        return
    click.echo(json.dumps(addition, indent=2))


def _sigterm_interrupts() -> None:
    """Make SIGTERM (a job runner stopping us) interrupt like Ctrl-C: the scan keeps its data."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every aiposture error becomes one line on stderr and its exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    _sigterm_interrupts()
    try:
        cli.main(args=argv, prog_name="aiposture", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aiposture: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.USAGE))
    except CollectionCancelled as exc:
        click.echo(f"aiposture: {exc}", err=True)
        sys.exit(exc.exit_code)
    except AiPostureError as exc:
        if debug:
            raise
        click.echo(f"aiposture: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("aiposture: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"aiposture: internal error: {exc!r} (rerun with --debug for the traceback)", err=True
        )
        sys.exit(int(ExitCode.CANNOT_RUN))
