"""``aiposture checks``: the check catalog, listed or one check shown."""

from __future__ import annotations

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
def checks_list(as_json: bool, kind: str | None, severity: Severity | None) -> None:
    """List every check (or those of one rule kind or severity)."""
    from aiposture.catalog_views import checks_json, checks_table, select_checks

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
