"""``aiposture verify``: a folder aiposture wrote, checked against its manifest."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aiposture.engine.exit_codes import ExitCode


@click.command()
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
    from aiposture.report.manifest import verify_folder
    from aiposture.signing import load_public_key
    from aiposture.summaries import folder_check_line

    key = load_public_key(public_key) if public_key is not None else None
    check = verify_folder(folder, key)
    for problem in check.problems:
        click.echo(f"FAIL {problem}")
    click.echo(folder_check_line(folder, check, key))
    if not check.ok:
        sys.exit(int(ExitCode.FINDINGS))
