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
from aiposture.errors import AiPostureError, CollectionCancelled, ConfigError
from aiposture.outputs_guard import Labelled, guarding_inputs, refuse_overwrite, same_path
from aiposture.results import Results, Severity

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

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
    """How a collection runs: workers, logs, checkpoint folder, resume, shard, scan id."""
    func = click.option(
        "--scan-id",
        metavar="ID",
        help="The scan id to record; give every shard of one run the same one (for example "
        "the CI run id), so that `aiposture merge` refuses a shard of another run "
        "(default: a hash of the plan: accounts, regions).",
    )(func)
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
    from aiposture.snapshot.shards import check_scan_id, parse_shard

    configure_logging(run["log_format"])
    if run.get("workers") is not None:
        scan = config.scan.model_copy(update={"workers": run["workers"]})
        config = config.model_copy(update={"scan": scan})
    resume: Path | None = run.get("resume_dir")
    checkpoint: Path | None = run.get("checkpoint_dir")
    if resume is not None and checkpoint is not None and resume != checkpoint:
        raise ConfigError("--resume names the folder to continue; leave out --checkpoint-dir")
    shard = parse_shard(run["shard"]) if run.get("shard") else None
    scan_id = check_scan_id(run["scan_id"]) if run.get("scan_id") is not None else None
    options = RunOptions(
        checkpoint=resume or checkpoint,
        resume=resume is not None,
        shard=shard,
        observer=choose_observer(run["log_format"]),
        scan_id=scan_id,
    )
    return config, options


def config_option(func: F) -> F:
    """The --config option."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        help="Configuration file (TOML, YAML or JSON).",
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


def sign_option(func: F) -> F:
    """The --sign-key option: sign the output folder's manifest."""
    return click.option(
        "--sign-key",
        type=click.Path(path_type=Path, dir_okay=False),
        envvar="AIPOSTURE_SIGN_KEY",
        default=None,
        metavar="PEM",
        help="Sign the folder's MANIFEST.json with this Ed25519 private key (PEM; make one "
        "with `openssl genpkey -algorithm ed25519`). Check with `aiposture verify "
        "--public-key`. Env: AIPOSTURE_SIGN_KEY.",
    )(func)


def _signing_key(path: Path | None) -> Ed25519PrivateKey | None:
    """The private key at ``path``, read before any work so a bad key fails fast."""
    if path is None:
        return None
    from aiposture.signing import load_private_key

    return load_private_key(path)


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


def _read_files(config_path: Path | None, config: Config) -> list[Labelled]:
    """The files a command reads besides its arguments: the config, waivers and baseline."""
    report = config.report
    return [("config", config_path), ("waivers", report.waivers), ("baseline", report.baseline)]


def _report_files(out_dir: Path, formats: list[str]) -> list[Path]:
    """Every file a report folder receives for ``formats``: the reports and the manifest."""
    from aiposture.report import get_renderer
    from aiposture.report.manifest import MANIFEST_NAME, SIGNATURE_NAME

    names = [get_renderer(name).filename for name in formats]
    return [out_dir / name for name in [*names, MANIFEST_NAME, SIGNATURE_NAME]]


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
    ctx.with_resource(guarding_inputs())  # no command writes over a file it read
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


RUN_KEYS = ("workers", "log_format", "checkpoint_dir", "resume_dir", "shard", "scan_id")


def _pop_run(org: dict[str, Any]) -> dict[str, Any]:
    """Split the run flags out of the keyword arguments click passed."""
    return {k: org.pop(k) for k in RUN_KEYS if k in org}


@cli.command()
@config_option
@aws_options
@org_options
@run_options
@report_options
@sign_option
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
    sign_key: Path | None,
    **org: Any,
) -> None:
    """Collect, evaluate and render in one go."""
    from aiposture.api import scan as run_scan

    key = _signing_key(sign_key)
    run_flags = _pop_run(org)
    config = _with_files(
        _with_org(_load(config_path, profile, regions, endpoint_url, assume_roles), org),
        waivers,
        baseline,
    )
    config, run = _run(config, run_flags)
    minimums = parse_min_scores(min_scores, config.report.min_score)
    out = out_dir or config.report.output_dir
    chosen = _split(formats) or config.report.formats
    planned = [out / "snapshot.json", *_report_files(out, ["json", *chosen])]
    refuse_overwrite([("signing key", sign_key), *_read_files(config_path, config)], planned)
    output = run_scan(
        config,
        out,
        chosen,
        today=_today(today),
        run=run,
        sign_key=key,
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
    refuse_overwrite([("config", config_path)], [out_path])
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
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Merge an incomplete set anyway (a shard left out, an unfinished snapshot folder, "
    "snapshots that record no plan): the missing accounts stay in the plan and evaluate "
    "judges them ERROR.",
)
def merge(inputs: tuple[Path, ...], out_path: Path, allow_partial: bool) -> None:
    """Join the shards of one scan (snapshot files or folders) into one snapshot.

    Every snapshot records its scan id and plan: the accounts the scan intended, the
    regions requested, and shard K of N. The inputs must be of one scan, each shard given
    once, and together hold every planned account; otherwise merge refuses with one line
    (exit 2). A mixed set (another scan id, other regions, shards of another N) is always
    refused; an incomplete one is merged with --allow-partial.
    """
    from aiposture.snapshot.io import dump_snapshot
    from aiposture.snapshot.store import merge_paths

    refuse_overwrite([("merge input", path) for path in inputs], [out_path])
    merged = merge_paths(list(inputs), allow_partial=allow_partial)
    digest = dump_snapshot(merged, out_path)
    missing = merged.missing_accounts()
    click.echo(
        f"{out_path} sha256={digest} accounts={len(merged.accounts)}"
        + (f" missing={len(missing)}" if missing else "")
    )
    if missing:
        click.echo(
            f"aiposture: warning: {len(missing)} planned account(s) not in the inputs "
            f"({', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}): "
            "evaluate judges them ERROR",
            err=True,
        )
    elif merged.plan is None:
        click.echo(
            "aiposture: warning: the inputs record no scan plan: nothing proves the merged "
            "snapshot complete",
            err=True,
        )


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
    from aiposture.results import dump_results
    from aiposture.snapshot.io import load_snapshot, snapshot_sha256
    from aiposture.snapshot.store import load_any

    config = _with_files(load_config(config_path), waivers, baseline)
    minimums = parse_min_scores(min_scores, config.report.min_score)
    inputs = [("snapshot", snapshot_path), *_read_files(config_path, config)]
    refuse_overwrite(inputs, [out_path])
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
@click.option(
    "--force",
    is_flag=True,
    help="Write apply.sh even when the plan fails its verification (it is not written then); "
    "the script still refuses to run unless AIPOSTURE_APPLY_UNVERIFIED holds its account id.",
)
@sign_option
def remediate(
    results_path: Path,
    out_dir: Path,
    snapshot_path: Path | None,
    config_path: Path | None,
    show_verification: bool,
    force: bool,
    sign_key: Path | None,
) -> None:
    """Write a fix plan for every failing result: script, CloudFormation, Terraform, Markdown.

    aiposture applies nothing: review the plan, then run it with credentials for each account.
    The folder's MANIFEST.json (signed with --sign-key) lets whoever runs a script check,
    with `aiposture verify`, that it is the one aiposture wrote.
    """
    from aiposture.api import read_results
    from aiposture.engine.catalog import load_catalog
    from aiposture.errors import SnapshotError
    from aiposture.remediate.outputs import write_plan
    from aiposture.remediate.verify import UNVERIFIED_ENV, plan_and_verify
    from aiposture.report.manifest import MANIFEST_NAME, SIGNATURE_NAME, write_manifest
    from aiposture.results import content_sha256
    from aiposture.snapshot.io import load_snapshot

    key = _signing_key(sign_key)
    config = load_config(config_path)
    results = read_results(results_path)
    snapshot_file = snapshot_path or results_path.parent / "snapshot.json"
    snapshot, digest = load_snapshot(snapshot_file)
    if results.scan.snapshot_sha256 != digest:
        raise SnapshotError(
            f"{results_path} was not judged on {snapshot_file} (snapshot sha256 "
            f"{results.scan.snapshot_sha256[:12]}, file {digest[:12]}); give the right --snapshot"
        )
    plan, verification = plan_and_verify(snapshot, results, load_catalog(), config, digest)
    refuse_overwrite(
        [
            ("results", results_path),
            ("snapshot", snapshot_file),
            ("config", config_path),
            ("signing key", sign_key),
        ],
        [out_dir / name for name in ("plan.json", "README.md", MANIFEST_NAME, SIGNATURE_NAME)],
        folders=[out_dir / a.account_id for a in plan.accounts],
    )
    written = write_plan(plan, out_dir, verification, force=force)
    write_manifest(
        out_dir,
        written.files,
        snapshot_sha256=digest,
        results_sha256=content_sha256(results),
        key=key,
    )
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
    for script in written.withheld:
        click.echo(f"aiposture: {script} not written: the plan does not verify", err=True)
    for script in written.guarded:
        click.echo(
            f"aiposture: {script} written (--force); it runs only with "
            f"{UNVERIFIED_ENV}={script.parent.name}",
            err=True,
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
@sign_option
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also put the snapshot the results were judged on into the folder (checked "
    "against the results), so the manifest and its signature cover the evidence too.",
)
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
    sign_key: Path | None,
    snapshot_path: Path | None,
) -> None:
    """Render a results file in the chosen formats (re-applying waivers, adding a baseline).

    RESULTS must be a results file as aiposture wrote it: an edited one is refused (exit 2).
    """
    from aiposture.api import finish_results, include_snapshot, read_results, render

    config = _with_files(load_config(config_path), waivers, baseline)
    minimums = parse_min_scores(min_scores, config.report.min_score)
    key = _signing_key(sign_key)
    out = out_dir or config.report.output_dir
    chosen = _split(formats) or config.report.formats
    inputs = [("results", results_path), ("signing key", sign_key)]
    planned = _report_files(out, chosen)
    if snapshot_path is not None and not same_path(out / "snapshot.json", snapshot_path):
        planned.append(out / "snapshot.json")
    refuse_overwrite([*inputs, *_read_files(config_path, config)], planned)
    results = finish_results(read_results(results_path), config, today=_today(today))
    evidence = include_snapshot(results, snapshot_path, out) if snapshot_path else None
    for path in render(results, chosen, out, snapshot_path=evidence, sign_key=key):
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
@sign_option
def demo(
    out_dir: Path,
    formats: tuple[str, ...],
    fail_on: str,
    min_scores: tuple[str, ...],
    waivers: Path | None,
    baseline: Path | None,
    today: datetime | None,
    sign_key: Path | None,
) -> None:
    """Scan the embedded demo organization (moto; no credentials needed)."""
    if importlib.util.find_spec("moto") is None:
        raise ConfigError("the demo needs moto: pip install 'aiposture[demo]'")
    from aiposture.api import demo_waivers_path
    from aiposture.api import scan as run_scan
    from aiposture.demo.environment import demo_environment
    from aiposture.report import available_formats

    minimums = parse_min_scores(min_scores)
    key = _signing_key(sign_key)
    chosen = _split(formats) or available_formats()
    refuse_overwrite(
        [("waivers", waivers), ("baseline", baseline), ("signing key", sign_key)],
        [out_dir / "snapshot.json", *_report_files(out_dir, ["json", *chosen])],
    )
    with demo_environment() as env:
        config = _with_files(env.org.config, waivers or demo_waivers_path(), baseline)
        output = run_scan(
            config,
            out_dir,
            chosen,
            factory=env.factory,
            today=_today(today),
            sign_key=key,
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
    from aiposture.api import read_results
    from aiposture.engine.diff import diff_results, has_regression, load_baseline
    from aiposture.report.diff import render_diff

    old = load_baseline(old_path)
    new = read_results(new_path)
    changes = diff_results(old, new)
    click.echo(render_diff(changes, fmt), nl=False)
    if fail_on_regression and has_regression(changes):
        click.echo(
            f"diff: {len(changes.new_failures)} new failure(s), "
            f"{len(changes.regressed)} regression(s)",
            err=True,
        )
        sys.exit(int(ExitCode.FINDINGS))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--public-key",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="PEM",
    help="Also check MANIFEST.json.sig against this Ed25519 public key (PEM or an OpenSSH "
    "line), obtained from the key's holder by another channel.",
)
def verify(folder: Path, public_key: Path | None) -> None:
    """Check a folder aiposture wrote (a report or a fix plan) against its MANIFEST.json.

    With --public-key, MANIFEST.json.sig must be that key's signature of the manifest.

    Exit 0 when every file is as listed; 1 when a file was changed, removed or added, the
    results or snapshot are not the manifest's scan, or the signature is not the key's;
    2 when the folder has no readable manifest or the key cannot be read.
    """
    from aiposture.report.manifest import SIGNATURE_NAME, verify_folder
    from aiposture.signing import key_id, load_public_key

    key = load_public_key(public_key) if public_key is not None else None
    check = verify_folder(folder, key)
    for problem in check.problems:
        click.echo(f"FAIL {problem}")
    count = len(check.manifest.files)
    if not check.ok:
        click.echo(f"{folder}: does not match its manifest ({len(check.problems)} problem(s))")
        sys.exit(int(ExitCode.FINDINGS))
    line = f"{folder}: {count} file(s) match MANIFEST.json (snapshot sha256 "
    line += f"{check.manifest.snapshot_sha256[:12]}); "
    if check.signature == "verified" and key is not None:
        line += f"signature by {key_id(key)} verified"
    elif check.signature == "unchecked":
        line += (
            f"signed ({SIGNATURE_NAME}, key {check.manifest.signing_key}) but the signature "
            "was NOT checked: give --public-key"
        )
    else:
        line += (
            "not signed: this shows the files are unchanged since the manifest was written, "
            "not who wrote it"
        )
    click.echo(line)


@cli.group()
def checks() -> None:
    """The check catalog."""


@checks.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--kind", help="Only checks of this rule kind (e.g. metric_filter).")
@click.option(
    "--severity",
    type=click.Choice([s.value for s in Severity]),
    help="Only checks of this severity.",
)
def checks_list(as_json: bool, kind: str | None, severity: str | None) -> None:
    """List every check (or those of one rule kind or severity)."""
    from aiposture.engine.catalog import load_catalog
    from aiposture.rules import REGISTRY

    if kind is not None and kind not in REGISTRY:
        raise ConfigError(f"unknown rule kind '{kind}' (one of: {', '.join(sorted(REGISTRY))})")
    catalog = load_catalog().selected(
        lambda c: kind in (None, c.check.rule.kind) and severity in (None, c.check.severity.value)
    )
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
    """Show one check in full, headed by where its YAML, rule kind and tests are."""
    import yaml

    from aiposture.engine.catalog import load_catalog, rule_module, selector_for_tests, source_path

    item = load_catalog().get(check_id)
    if item is None:
        raise ConfigError(f"no check with id '{check_id}' (see `aiposture checks list`)")
    click.echo(f"# yaml:  {source_path(item)}")
    click.echo(f"# rule:  {item.kind.name} in {rule_module(item.kind)}")
    click.echo(f"# tests: {selector_for_tests(item.check.id)}")
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


def _one_line(text: str) -> str:
    """``text`` on one line: an error message never spans lines (nor starts a fake one)."""
    return " ".join(text.splitlines())


def _os_problem(exc: OSError) -> str:
    """One line for a file or folder the OS refused (mkdir over a file says "File exists")."""
    if isinstance(exc, FileExistsError) and exc.filename:
        return f"cannot create the folder {exc.filename}: a file of that name is in the way"
    where = f"{exc.filename}: " if exc.filename else ""
    return _one_line(f"{where}{exc.strerror or exc}")


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
        click.echo(f"aiposture: error: {_one_line(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("aiposture: interrupted", err=True)
        sys.exit(130)
    except OSError as exc:  # a file or folder the OS refused (an input or an output): bad input
        if debug:
            raise
        click.echo(f"aiposture: error: {_os_problem(exc)}", err=True)
        sys.exit(int(ExitCode.USAGE))
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"aiposture: internal error: {exc!r} (rerun with --debug for the traceback)", err=True
        )
        sys.exit(int(ExitCode.CANNOT_RUN))
