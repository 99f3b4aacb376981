"""Issue 18 acceptance against moto: the real collector reads LookupEvents, the rule judges it.

An empty moto account with one trail; the history is recorded with moto's LookupEvents
(:mod:`aiposture.demo.moto_ext.cloudtrail_lookup_events`) and GetTrailStatus is told the
same story (:func:`~aiposture.demo.moto_ext.cloudtrail.set_trail_logging_times`). The
collector runs as a scan does, and ``continuity-trail-logging`` judges the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.config import Config
from aiposture.demo import moto_ext
from aiposture.demo.environment import CLEARED_ENV, DUMMY_CREDENTIALS, MOTO_SETTINGS, scoped_env
from aiposture.demo.moto_ext.cloudtrail import set_trail_logging_times
from aiposture.demo.moto_ext.cloudtrail_lookup_events import clear_events, record_event
from aiposture.engine.runner import evaluate
from aiposture.results import Result, Status
from aiposture.snapshot.history import Period
from tests.rules.helpers import CATALOG

ACCOUNT = "123456789012"  # moto's default account: the scanning identity's own
REGION = "us-east-1"
MALLORY = f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/mallory"
BOB = f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/bob"
CHECK = "continuity-trail-logging"

pytestmark = pytest.mark.integration


@contextmanager
def one_trail() -> Iterator[tuple[SessionFactory, datetime]]:
    """An empty moto account with a logging trail ``ops-trail``; yields the factory and now."""
    from moto import mock_aws

    env = {**DUMMY_CREDENTIALS, **MOTO_SETTINGS, "AWS_DEFAULT_REGION": REGION}
    with scoped_env(env, CLEARED_ENV), mock_aws(config={"core": {"mock_credentials": False}}):
        moto_ext.install()
        clear_events()
        session = boto3.Session(region_name=REGION)
        session.client("s3").create_bucket(Bucket="ops-trail-bucket")
        trails = session.client("cloudtrail")
        trails.create_trail(Name="ops-trail", S3BucketName="ops-trail-bucket")
        trails.start_logging(Name="ops-trail")
        try:
            yield SessionFactory(session=session), datetime.now(UTC).replace(microsecond=0)
        finally:
            clear_events()


def _judge(factory: SessionFactory, period: Period | None = None) -> Result:
    options = CollectOptions(
        regions=[REGION], history=True, period=period, lookup_events_per_second=1000.0
    )
    snapshot = collect(factory, options)
    one = CATALOG.selected(lambda c: c.check.id == CHECK)
    (result,) = [r for r in evaluate(snapshot, "sha", one, Config()).results if r.region == REGION]
    return result


def _stop_and_start(now: datetime, stop: timedelta, start: timedelta) -> None:
    for name, ago, actor in (("StopLogging", stop, MALLORY), ("StartLogging", start, BOB)):
        record_event(
            ACCOUNT,
            REGION,
            event_name=name,
            event_time=now - ago,
            actor_arn=actor,
            source_ip="198.51.100.7",
            request_parameters={"name": "ops-trail"},
        )
    set_trail_logging_times(ACCOUNT, REGION, "ops-trail", started=now - start, stopped=now - stop)


def test_a_stop_start_pair_read_from_lookup_events_fails_with_the_interval_and_actor() -> None:
    with one_trail() as (factory, now):
        _stop_and_start(now, timedelta(days=40), timedelta(days=31))
        result = _judge(factory)
    stopped, started = now - timedelta(days=40), now - timedelta(days=31)
    assert result.status is Status.FAIL, result.message
    assert (
        f"trail ops-trail was off from {stopped:%Y-%m-%d %H:%M} UTC to "
        f"{started:%Y-%m-%d %H:%M} UTC (9.0 days)"
    ) in result.message
    assert f"opened by StopLogging by {MALLORY} from 198.51.100.7" in result.message
    assert f"closed by StartLogging by {BOB}" in result.message
    (gap,) = result.evidence["controls"][0]["gaps"]
    assert gap["hours"] == 216.0


def test_a_start_time_in_the_period_without_its_event_opens_a_gap_before_it() -> None:
    """GetTrailStatus' StartLoggingTime, which no event of the history marks, still counts."""
    with one_trail() as (factory, now):
        started = now - timedelta(days=3)
        set_trail_logging_times(ACCOUNT, REGION, "ops-trail", started=started, stopped=None)
        result = _judge(factory, Period(start=now - timedelta(days=10), end=now, label="10 days"))
    assert result.status is Status.FAIL, result.message
    (gap,) = result.evidence["controls"][0]["gaps"]
    assert gap["end"] == started.isoformat()
    assert gap["closed_by"]["event_id"] == "GetTrailStatus:StartLoggingTime"


def test_a_pair_before_the_period_passes() -> None:
    with one_trail() as (factory, now):
        _stop_and_start(now, timedelta(days=40), timedelta(days=31))
        result = _judge(factory, Period(start=now - timedelta(days=30), end=now, label="30 days"))
    assert result.status is Status.PASS, result.message


def test_a_denied_stop_read_from_lookup_events_changes_nothing() -> None:
    with one_trail() as (factory, now):
        long_ago = now - timedelta(days=400)
        set_trail_logging_times(ACCOUNT, REGION, "ops-trail", started=long_ago, stopped=None)
        record_event(
            ACCOUNT,
            REGION,
            event_name="StopLogging",
            event_time=now - timedelta(days=12),
            actor_arn=MALLORY,
            request_parameters={"name": "ops-trail"},
            error_code="AccessDenied",
        )
        result = _judge(factory)
    assert result.status is Status.PASS, result.message
    (change,) = result.evidence["changes"]
    assert change["error_code"] == "AccessDenied"
