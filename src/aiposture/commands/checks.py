"""``aiposture checks``: the check catalog, listed or one check shown."""

from __future__ import annotations

from pathlib import Path

import click

from aiposture.results import Severity


@click.group()
def checks() -> None:
    """The check catalog."""


@checks.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--kind", help="Only checks of this rule kind (e.g. metric_filter).")
@click.option(
    "--severity",
    type=click.Choice([s.value for s in Severity]),
    callback=lambda ctx, param, value: Severity(value) if value else None,
    help="Only checks of this severity.",
)
@click.option(
    "--peers",
    is_flag=True,
    help="Print the Markdown table comparing the checks with Prowler's, check by check.",
)
@click.option(
    "--write-readme",
    "readme",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --peers: rewrite the table between the markers of this README instead.",
)
def checks_list(
    as_json: bool, kind: str | None, severity: Severity | None, peers: bool, readme: Path | None
) -> None:
    """List every check (or those of one rule kind or severity)."""
    from aiposture.catalog_views import checks_json, checks_table, peers_table, select_checks

    if readme is not None and not peers:
        raise click.UsageError("--write-readme goes with --peers")
    if peers:
        if as_json or kind or severity:
            raise click.UsageError(
                "--peers compares the whole catalog: no --json, --kind or --severity"
            )
        table = peers_table()
        if readme is None:
            click.echo(table, nl=False)
            return
        _write_readme(readme, table)
        return
    catalog = select_checks(kind, severity)
    if as_json:
        click.echo(checks_json(catalog))
        return
    for line in checks_table(catalog):
        click.echo(line)
    click.echo(f"{len(catalog.checks)} checks, catalog {catalog.version}", err=True)


@checks.command("show")
@click.argument("check_id")
def checks_show(check_id: str) -> None:
    """Show one check in full, headed by where its YAML, rule kind and tests are."""
    from aiposture.catalog_views import show_check

    click.echo(show_check(check_id))


def _write_readme(path: Path, table: str) -> None:
    """Put ``table`` between the README's peer-table markers; say whether it changed."""
    from aiposture.atomic import write_atomically
    from aiposture.guide.peers import with_table

    try:
        text = path.read_text(encoding="utf-8")
        updated = with_table(text, table)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    if updated == text:
        click.echo(f"{path}: the Prowler table is up to date", err=True)
        return
    write_atomically(path, updated.encode("utf-8"))
    click.echo(f"{path}: the Prowler table was rewritten", err=True)
