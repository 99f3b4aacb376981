"""The command line: a thin click layer over :mod:`aiposture.api` and the library.

The option declarations live in :mod:`aiposture.cli_options`; the flags that override the
configuration file arrive as one :class:`~aiposture.overrides.ConfigOverrides`.
"""

from __future__ import annotations

import importlib.util
import logging
import signal
import sys
import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import aiposture
from aiposture.cli_options import (
    aws_options,
    collect_options,
    config_option,
    demo_options,
    evaluate_options,
    merge_options,
    org_options,
    remediate_options,
    report_command_options,
    report_options,
    run_options,
    sign_option,
)
from aiposture.commands.checks import checks
from aiposture.commands.diff import diff_command
from aiposture.commands.policy import policy
from aiposture.commands.verify import verify
from aiposture.config import Config, load_config
from aiposture.engine.exit_codes import ExitCode, parse_min_scores
from aiposture.errors import AiPostureError, CollectionCancelled, ConfigError
from aiposture.outputs_guard import Labelled, guarding_inputs, refuse_overwrite, same_path
from aiposture.overrides import ConfigOverrides, RunFlags
from aiposture.results import Results, Severity

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from aiposture.api import RunOptions


def _signing_key(path: Path | None) -> Ed25519PrivateKey | None:
    """The private key at ``path``, read before any work so a bad key fails fast."""
    if path is None:
        return None
    from aiposture.signing import load_private_key

    return load_private_key(path)


def _configured(
    config_path: Path | None, overrides: ConfigOverrides, run: RunFlags
) -> tuple[Config, RunOptions]:
    """The configuration file with the flags laid over it, and the collection's run options."""
    from aiposture.collect.progress import configure_logging

    config = overrides.apply(load_config(config_path))
    configure_logging(run.log_format)
    return config, run.run_options()


def _read_files(config_path: Path | None, config: Config) -> list[Labelled]:
    """The files a command reads besides its arguments: the config, waivers and baseline."""
    report = config.report
    return [("config", config_path), ("waivers", report.waivers), ("baseline", report.baseline)]


def _finish(results: Results, fail_on: str, min_scores: Mapping[str, float]) -> None:
    """Print the summary and the waiver problems; exit as the readiness gate decides."""
    from aiposture.summaries import verdict

    lines, code = verdict(results, None if fail_on == "none" else Severity(fail_on), min_scores)
    for line in lines:
        click.echo(line, err=True)
    if code != ExitCode.OK:
        sys.exit(int(code))


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


@cli.command()
@config_option
@aws_options
@org_options
@run_options
@report_options
@sign_option
def scan(
    config_path: Path | None,
    overrides: ConfigOverrides,
    run: RunFlags,
    out_dir: Path | None,
    formats: list[str],
    fail_on: str | None,
    min_scores: tuple[str, ...],
    today: date | None,
    sign_key: Path | None,
) -> None:
    """Collect, evaluate and render in one go."""
    from aiposture.api import report_files
    from aiposture.api import scan as run_scan

    key = _signing_key(sign_key)
    config, options = _configured(config_path, overrides, run)
    minimums = parse_min_scores(min_scores, config.report.min_score)
    out = out_dir or config.report.output_dir
    chosen = formats or config.report.formats
    planned = [out / "snapshot.json", *report_files(out, ["json", *chosen])]
    refuse_overwrite([("signing key", sign_key), *_read_files(config_path, config)], planned)
    output = run_scan(config, out, chosen, today=today, run=options, sign_key=key)
    click.echo(str(out.resolve()))
    _finish(output.results, fail_on or config.report.fail_on.value, minimums)


@cli.command()
@config_option
@aws_options
@org_options
@run_options
@collect_options
def collect(
    config_path: Path | None, overrides: ConfigOverrides, run: RunFlags, out_path: Path
) -> None:
    """Read the accounts and write a snapshot (the evidence)."""
    from aiposture.api import collect_to_file

    config, options = _configured(config_path, overrides, run)
    refuse_overwrite([("config", config_path)], [out_path])
    _, digest = collect_to_file(config, out_path, run=options)
    click.echo(f"{out_path} sha256={digest}")


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@merge_options
def merge(inputs: tuple[Path, ...], out_path: Path, allow_partial: bool) -> None:
    """Join the shards of one scan (snapshot files or folders) into one snapshot.

    Every snapshot records its scan id and plan: the accounts the scan intended, the
    regions requested, and shard K of N. The inputs must be of one scan, each shard given
    once, and together hold every planned account; otherwise merge refuses with one line
    (exit 2). A mixed set (another scan id, other regions, shards of another N) is always
    refused; an incomplete one is merged with --allow-partial.
    """
    from aiposture.snapshot.io import dump_snapshot
    from aiposture.snapshot.merge import merge_paths
    from aiposture.summaries import merge_summary

    refuse_overwrite([("merge input", path) for path in inputs], [out_path])
    merged = merge_paths(list(inputs), allow_partial=allow_partial)
    line, warning = merge_summary(out_path, dump_snapshot(merged, out_path), merged)
    click.echo(line)
    if warning is not None:
        click.echo(warning, err=True)


@cli.command()
@click.argument("snapshot_path", type=click.Path(path_type=Path))
@evaluate_options
def evaluate(
    snapshot_path: Path,
    config_path: Path | None,
    overrides: ConfigOverrides,
    out_path: Path,
    fail_on: str | None,
    min_scores: tuple[str, ...],
    today: date | None,
) -> None:
    """Judge a snapshot (a file, or a complete snapshot folder) offline and write results."""
    from aiposture.api import evaluate_file

    config = overrides.apply(load_config(config_path))
    minimums = parse_min_scores(min_scores, config.report.min_score)
    refuse_overwrite([("snapshot", snapshot_path), *_read_files(config_path, config)], [out_path])
    results = evaluate_file(snapshot_path, config, out_path, today=today)
    click.echo(str(out_path))
    _finish(results, fail_on or config.report.fail_on.value, minimums)


@cli.command()
@click.argument("results_path", type=click.Path(path_type=Path))
@remediate_options
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
    from aiposture.fix_plans import plan_fixes, script_notes, verification_lines, write_fixes

    key = _signing_key(sign_key)
    fixes = plan_fixes(results_path, snapshot_path, load_config(config_path))
    inputs = [("results", results_path), ("snapshot", fixes.snapshot_file)]
    refuse_overwrite(
        [*inputs, ("config", config_path), ("signing key", sign_key)],
        fixes.files(out_dir),
        folders=fixes.folders(out_dir),
    )
    written = write_fixes(fixes, out_dir, force=force, key=key)
    click.echo(str(out_dir))
    click.echo(fixes.summary(), err=True)
    for line in verification_lines(fixes.verification) if show_verification else []:
        click.echo(line)
    for line in script_notes(written):
        click.echo(line, err=True)
    if not fixes.verification.ok:
        click.echo("aiposture: the plan does not verify: do not apply it (see README.md)", err=True)
        sys.exit(int(ExitCode.FINDINGS))


@cli.command()
@click.argument("results_path", type=click.Path(path_type=Path))
@report_command_options
def report(
    results_path: Path,
    config_path: Path | None,
    overrides: ConfigOverrides,
    out_dir: Path | None,
    formats: list[str],
    fail_on: str,
    min_scores: tuple[str, ...],
    today: date | None,
    sign_key: Path | None,
    snapshot_path: Path | None,
) -> None:
    """Render a results file in the chosen formats (re-applying waivers, adding a baseline).

    RESULTS must be a results file as aiposture wrote it: an edited one is refused (exit 2).
    """
    from aiposture.api import finish_results, include_snapshot, read_results, render, report_files

    config = overrides.apply(load_config(config_path))
    minimums = parse_min_scores(min_scores, config.report.min_score)
    key = _signing_key(sign_key)
    out = out_dir or config.report.output_dir
    chosen = formats or config.report.formats
    inputs = [("results", results_path), ("signing key", sign_key)]
    planned = report_files(out, chosen)
    if snapshot_path is not None and not same_path(out / "snapshot.json", snapshot_path):
        planned.append(out / "snapshot.json")
    refuse_overwrite([*inputs, *_read_files(config_path, config)], planned)
    results = finish_results(read_results(results_path), config, today=today)
    evidence = include_snapshot(results, snapshot_path, out) if snapshot_path else None
    for path in render(results, chosen, out, snapshot_path=evidence, sign_key=key):
        click.echo(str(path))
    _finish(results, fail_on, minimums)


@cli.command()
@demo_options
def demo(
    out_dir: Path,
    formats: list[str],
    fail_on: str,
    min_scores: tuple[str, ...],
    overrides: ConfigOverrides,
    today: date | None,
    sign_key: Path | None,
) -> None:
    """Scan the embedded demo organization (moto; no credentials needed)."""
    if importlib.util.find_spec("moto") is None:
        raise ConfigError("the demo needs moto: pip install 'aiposture[demo]'")
    from aiposture.api import RunOptions, demo_waivers_path, report_files
    from aiposture.api import scan as run_scan
    from aiposture.demo.environment import DEMO_LOOKUP_EVENTS_PER_SECOND, demo_environment
    from aiposture.report import available_formats

    minimums = parse_min_scores(min_scores)
    key = _signing_key(sign_key)
    chosen = formats or available_formats()
    refuse_overwrite(
        [
            ("waivers", overrides.waivers),
            ("baseline", overrides.baseline),
            ("signing key", sign_key),
        ],
        [out_dir / "snapshot.json", *report_files(out_dir, ["json", *chosen])],
    )
    with demo_environment() as env:
        waivers = overrides.waivers or demo_waivers_path()
        config = replace(overrides, waivers=waivers).apply(env.org.config)
        history = RunOptions(history=True, lookup_events_per_second=DEMO_LOOKUP_EVENTS_PER_SECOND)
        output = run_scan(
            config, out_dir, chosen, factory=env.factory, today=today, run=history, sign_key=key
        )
    for path in output.report_paths:
        click.echo(f"  {path}", err=True)
    click.echo(str(out_dir.resolve()))
    _finish(output.results, fail_on, minimums)


for command in (checks, diff_command, policy, verify):
    cli.add_command(command)


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
