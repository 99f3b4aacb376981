"""``aiposture diff``: what changed from one results file to another."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aiposture.engine.exit_codes import ExitCode


@click.command("diff")
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
    help=(
        "Exit 1 when NEW has a new failure, a regression or a continuity gap opened against OLD."
    ),
)
def diff_command(old_path: Path, new_path: Path, fmt: str, fail_on_regression: bool) -> None:
    """Show what changed from results file OLD (the baseline) to NEW.

    Between two audit periods (two quarters) it also lists the continuity gaps that opened
    (in NEW, not OLD) and closed (in OLD, not NEW).
    """
    from aiposture.api import read_results
    from aiposture.engine.diff import diff_results, has_regression, load_baseline
    from aiposture.report.diff import render_diff

    changes = diff_results(load_baseline(old_path), read_results(new_path))
    click.echo(render_diff(changes, fmt), nl=False)
    if fail_on_regression and has_regression(changes):
        opened = len(changes.continuity.opened) if changes.continuity else 0
        gaps = f", {opened} continuity gap(s) opened" if opened else ""
        click.echo(
            f"diff: {len(changes.new_failures)} new failure(s), "
            f"{len(changes.regressed)} regression(s){gaps}",
            err=True,
        )
        sys.exit(int(ExitCode.FINDINGS))
