"""``--since``, ``--period``, ``--no-history`` and ``--lookup-events-per-second`` on scan and collect."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aiposture.demo.environment import DUMMY_CREDENTIALS, seeded_server
from aiposture.demo.moto_ext.cloudtrail_lookup_events import clear_events, record_event
from aiposture.snapshot.io import load_snapshot
from tests.cli.helpers import one_line, run_main

ACCOUNT = "123456789012"


@pytest.mark.parametrize("command", ["collect", "scan"])
@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--period", "2026-07-01"], "--period '2026-07-01' is not FIRST..LAST"),
        (["--period", "2026-09-30..2026-07-01"], "ends before it starts"),
        (["--period", "2026-13-01..2026-12-31"], "--period '2026-13-01..2026-12-31'"),
        (["--period", "2999-01-01..2999-03-31"], "starts after the scan"),
        (["--since", "ninety"], "--since 'ninety' is neither Nd"),
        (["--since", "90d", "--period", "2026-07-01..2026-09-30"], "not both"),
        (["--no-history", "--since", "30d"], "--no-history reads no period"),
        (["--lookup-events-per-second", "0"], "must be above 0"),
        (["--lookup-events-per-second", "nan"], "is not a number"),
    ],
)
def test_bad_history_options_are_one_line_exit_2(
    command: str,
    args: list[str],
    fragment: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    no_aws_env: None,
) -> None:
    # refused before any credentials are looked for (there are none: that would exit 3)
    code, _, err = run_main(capsys, command, *args, "--out", str(tmp_path / "out"))
    assert code == 2, err
    assert fragment in one_line(err)


def test_the_pace_comes_from_the_environment(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    no_aws_env: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIPOSTURE_LOOKUP_EVENTS_PER_SECOND", "-2")
    code, _, err = run_main(capsys, "collect", "--out", str(tmp_path / "s.json"))
    assert code == 2
    assert "--lookup-events-per-second -2 must be above 0" in one_line(err)


@pytest.fixture
def empty_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's HTTP server with nothing seeded, reached as a user would (AWS_ENDPOINT_URL)."""

    def nothing(session_for: Any, endpoint: str) -> None:
        return None

    with seeded_server(nothing, "us-east-1") as (endpoint, _):
        for name in list(os.environ):
            if name.startswith("AWS_"):
                monkeypatch.delenv(name)
        monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        clear_events()
        try:
            yield endpoint
        finally:
            clear_events()


def test_collect_reads_the_period_asked_for(
    empty_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    first, last = (now - timedelta(days=30)).date(), (now - timedelta(days=20)).date()
    inside = record_event(
        ACCOUNT,
        "us-east-1",
        event_name="DeleteTrail",
        event_time=datetime(last.year, last.month, last.day, 12, tzinfo=UTC),
        actor_arn=f"arn:aws:iam::{ACCOUNT}:user/mallory",
        source_ip="192.0.2.9",
        request_parameters={"name": "main"},
    )
    out = tmp_path / "s.json"
    code, _, err = run_main(
        capsys,
        "collect",
        "--regions",
        "us-east-1",
        "--period",
        f"{first}..{last}",
        "--lookup-events-per-second",
        "1000",
        "--out",
        str(out),
    )
    assert code == 0, err
    snapshot, _ = load_snapshot(out)
    assert snapshot.period is not None and snapshot.period.label == f"{first}..{last}"
    history = snapshot.accounts[0].regions["us-east-1"].event_history
    assert history is not None
    (event,) = history.events
    assert (event.event_id, event.actor_arn, event.source_ip) == (
        inside,
        f"arn:aws:iam::{ACCOUNT}:user/mallory",
        "192.0.2.9",
    )

    code, _, err = run_main(
        capsys,
        "collect",
        "--regions",
        "us-east-1",
        "--no-history",
        "--out",
        str(tmp_path / "n.json"),
    )
    assert code == 0, err
    bare, _ = load_snapshot(tmp_path / "n.json")
    assert bare.period is None
    assert bare.accounts[0].regions["us-east-1"].event_history is None
