"""What a person, a CI log or a log pipeline sees while a scan runs."""

from __future__ import annotations

import io
import json
import logging

import pytest

from aiposture.collect.progress import (
    JsonLines,
    JsonLogFormatter,
    ProgressBar,
    Silent,
    choose_observer,
    under_ci,
)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _feed(observer: ProgressBar | JsonLines) -> None:
    observer.planned(2)
    observer.account_started("111111111111", 2)
    observer.region_done("111111111111", "us-east-1", 0)
    observer.region_done("111111111111", "us-west-2", 3)
    observer.account_done("111111111111", 3)
    observer.account_started("222222222222", 2)
    observer.message("222222222222: assuming a role")


def test_the_bar_counts_accounts_regions_and_errors() -> None:
    screen = _Terminal()
    bar = ProgressBar(screen)
    _feed(bar)
    assert "accounts 1/2  regions 2/4  errors 3" in bar.line()
    bar.close()
    text = screen.getvalue()
    assert "222222222222: assuming a role\n" in text  # messages go above the bar
    assert text.endswith("\n")  # the terminal is left on a fresh line
    assert text.rstrip("\n").rsplit("\r\033[K", 1)[-1] == bar.line()


def test_json_lines_are_one_parseable_event_each() -> None:
    out = io.StringIO()
    _feed(JsonLines(out))
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [e["event"] for e in events] == [
        "scan_planned",
        "account_started",
        "region_done",
        "region_done",
        "account_done",
        "account_started",
        "message",
    ]
    warning = events[3]
    assert (warning["level"], warning["region"], warning["errors"]) == ("warning", "us-west-2", 3)
    assert events[4]["accounts_done"] == 1 and events[4]["accounts_total"] == 2


@pytest.mark.parametrize(
    ("env", "tty", "kind"),
    [
        ({}, True, ProgressBar),
        ({"CI": "true"}, True, Silent),
        ({"CI": "false"}, True, ProgressBar),
        ({}, False, Silent),
    ],
)
def test_the_bar_only_on_a_terminal_outside_ci(env: dict[str, str], tty: bool, kind: type) -> None:
    stream = _Terminal() if tty else io.StringIO()
    assert type(choose_observer("text", stream, env)) is kind
    assert type(choose_observer("json", stream, env)) is JsonLines


def test_under_ci_reads_the_ci_variable() -> None:
    assert under_ci({"CI": "1"}) and under_ci({"CI": "true"})
    assert not under_ci({}) and not under_ci({"CI": "0"}) and not under_ci({"CI": ""})


def test_python_log_records_become_json_lines() -> None:
    record = logging.LogRecord(
        "aiposture.x", logging.WARNING, __file__, 1, "bad %s", ("file",), None
    )
    data = json.loads(JsonLogFormatter().format(record))
    assert (data["level"], data["event"], data["message"]) == ("warning", "log", "bad file")
