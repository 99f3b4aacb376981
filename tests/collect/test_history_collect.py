"""Collecting the audit period's event history (CloudTrail LookupEvents), against moto.

moto's LookupEvents (:mod:`aiposture.demo.moto_ext.cloudtrail_lookup_events`) answers only
the events a test records, so each test here starts from an empty world (one account, the
regions it names), records what it needs, and runs the real collector: in-process under
``mock_aws()`` and through moto's HTTP server.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from aiposture.collect.history import (
    MAX_CALLS_PER_STEP,
    HistoryPlan,
    HistoryWindow,
    Pacer,
    PeriodRequest,
    RegionHistoryReader,
    check_rate,
    minimum_lookup_calls,
    period_request,
    read_region_history,
)
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo import moto_ext
from aiposture.demo.environment import (
    CLEARED_ENV,
    DUMMY_CREDENTIALS,
    MOTO_SETTINGS,
    scoped_env,
    seeded_server,
)
from aiposture.demo.moto_ext.cloudtrail_lookup_events import (
    clear_events,
    record_event,
    set_lookup_events_rate,
)
from aiposture.errors import ConfigError
from aiposture.snapshot.history import (
    EVENT_NAMES,
    FAMILIES,
    LOOKUP_EVENTS_RETENTION,
    EventHistory,
    Period,
)
from aiposture.snapshot.models import Snapshot
from tests.collect.helpers import CallCounter, normalized
from tests.conftest import error_response

ACCOUNT = "123456789012"  # moto's default account: the scanning identity's own
E1, W2 = "us-east-1", "us-west-2"
ALICE = f"arn:aws:sts::{ACCOUNT}:assumed-role/Ops/alice"
FAST = 1000.0  # LookupEvents per second when a test has no reason to wait


@contextmanager
def empty_world() -> Iterator[SessionFactory]:
    """An empty moto account under ``mock_aws()``, with the demo's moto extensions."""
    from moto import mock_aws

    env = {**DUMMY_CREDENTIALS, **MOTO_SETTINGS, "AWS_DEFAULT_REGION": E1}
    with scoped_env(env, CLEARED_ENV), mock_aws(config={"core": {"mock_credentials": False}}):
        moto_ext.install()
        clear_events()
        try:
            yield SessionFactory(session=boto3.Session(region_name=E1))
        finally:
            clear_events()
            set_lookup_events_rate(None)


def history_options(
    regions: list[str], per_second: float = FAST, period: Any = None
) -> CollectOptions:
    """Collect ``regions`` of the scanning identity's own account, with the event history."""
    return CollectOptions(
        regions=regions, history=True, period=period, lookup_events_per_second=per_second
    )


def region_history(snapshot: Snapshot, region: str = E1) -> EventHistory:
    """The event history the snapshot holds for the scanning account's ``region``."""
    acct = snapshot.account(ACCOUNT)
    assert acct is not None
    history = acct.regions[region].event_history
    assert history is not None
    return history


def record_every_family(now: datetime, region: str = E1) -> dict[str, str]:
    """Record one event of every event name, an hour apart; return event id -> name."""
    ids: dict[str, str] = {}
    for i, name in enumerate(EVENT_NAMES):
        event_id = record_event(
            ACCOUNT,
            region,
            event_name=name,
            event_time=now - timedelta(hours=i + 1),
            actor_arn=ALICE,
            source_ip=f"203.0.113.{i + 1}",
            request_parameters={"changed": name, "n": i},
        )
        ids[event_id] = name
    return ids


# --------------------------------------------------------------------------- collected


def test_every_family_is_collected_with_actor_ip_and_parameters() -> None:
    with empty_world() as factory:
        now = datetime.now(UTC)
        ids = record_every_family(now)
        snapshot = collect(factory, history_options([E1]))
    history = region_history(snapshot)
    assert history.names_read == list(EVENT_NAMES)
    assert {e.event_id: e.event_name for e in history.events} == ids
    for event in history.events:
        i = EVENT_NAMES.index(event.event_name)
        assert event.actor_arn == ALICE
        assert event.actor_type == "AssumedRole"
        assert event.username == "alice"
        assert event.source_ip == f"203.0.113.{i + 1}"
        assert event.request_parameters == {"changed": event.event_name, "n": i}
        assert event.error_code is None
    # every family's events, with their own source
    for family in FAMILIES:
        events = history.of_family(family)
        assert [e.event_name for e in events] == list(reversed(family.event_names))
        assert {e.event_source for e in events} == {family.event_source}
    # newest first, as LookupEvents lists them
    times = [e.event_time for e in history.events]
    assert times == sorted(times, reverse=True)
    assert history.calls == len(EVENT_NAMES)
    assert not snapshot.accounts[0].all_errors()


def test_the_window_and_the_period_follow_the_scan_clock() -> None:
    with empty_world() as factory:
        snapshot = collect(factory, history_options([E1]))
    history = region_history(snapshot)
    period = snapshot.period
    assert period is not None and period.label == "last 90 days"
    # one clock: the period of --since 90d ends where the history does, at the scan's start
    assert period.end == history.end == snapshot.started_at
    assert period.start == history.start == history.oldest_available
    assert history.end - history.oldest_available == LOOKUP_EVENTS_RETENTION


def test_a_quarter_is_read_from_its_start_and_events_before_it_are_not_asked_for() -> None:
    with empty_world() as factory:
        now = datetime.now(UTC)
        first = (now - timedelta(days=40)).date()
        last = (now - timedelta(days=10)).date()
        start = datetime(first.year, first.month, first.day, tzinfo=UTC)
        before = record_event(
            ACCOUNT,
            E1,
            event_name="StopLogging",
            event_time=start - timedelta(seconds=1),
            actor_arn=ALICE,
        )
        at_start = record_event(
            ACCOUNT, E1, event_name="StopLogging", event_time=start, actor_arn=ALICE
        )
        after_period = record_event(
            ACCOUNT,
            E1,
            event_name="StartLogging",
            event_time=now - timedelta(days=2),
            actor_arn=ALICE,
        )
        request = PeriodRequest("period", f"{first}..{last}")
        snapshot = collect(factory, history_options([E1], period=request))
    assert snapshot.period == Period(
        start=start,
        end=datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1),
        label=f"{first}..{last}",
    )
    history = region_history(snapshot)
    assert history.start == start
    # the window runs to the scan: the events after the period lead to the present state
    assert history.end == snapshot.started_at
    ids = {e.event_id for e in history.events}
    assert ids == {at_start, after_period}  # StartTime is inclusive
    assert before not in ids


def test_no_history_unless_asked() -> None:
    with empty_world() as factory:
        record_every_family(datetime.now(UTC))
        count = CallCounter()
        observed = SessionFactory(session=factory.base_session(), on_client=count)
        snapshot = collect(observed, CollectOptions(regions=[E1]))
    assert snapshot.period is None
    assert region_history_or_none(snapshot) is None
    assert count.sent["cloudtrail:LookupEvents"] == 0


def region_history_or_none(snapshot: Snapshot) -> EventHistory | None:
    """The region's history, or None when it was not read."""
    acct = snapshot.account(ACCOUNT)
    assert acct is not None
    return acct.regions[E1].event_history


def test_more_than_a_page_is_read_to_the_last_page() -> None:
    with empty_world() as factory:
        now = datetime.now(UTC)
        stops = {
            record_event(
                ACCOUNT,
                E1,
                event_name="StopLogging",
                event_time=now - timedelta(minutes=10 * i + 1),
                actor_arn=ALICE,
            )
            for i in range(120)
        }
        puts = {
            record_event(
                ACCOUNT,
                E1,
                event_name="PutMetricFilter",
                event_time=now - timedelta(minutes=7 * i + 1),
                actor_arn=ALICE,
            )
            for i in range(50)
        }
        count = CallCounter()
        observed = SessionFactory(session=factory.base_session(), on_client=count)
        snapshot = collect(observed, history_options([E1]))
    history = region_history(snapshot)
    assert {e.event_id for e in history.events if e.event_name == "StopLogging"} == stops
    assert {e.event_id for e in history.events if e.event_name == "PutMetricFilter"} == puts
    # 120 events: three pages of 50; exactly 50: one page (no NextToken); 38 names: one each
    assert history.calls == count.sent["cloudtrail:LookupEvents"] == 3 + 1 + 38
    assert minimum_lookup_calls(history) == history.calls


def _failing(code: str, status: int, only: str | None = None) -> Any:
    """An ``on_client`` observer answering LookupEvents (of ``only``, or every name) with ``code``."""
    refuse = error_response(code, f"{code} for LookupEvents", status)

    def before_call(params: dict[str, Any], **kwargs: Any) -> Any:
        body = json.loads(params["body"])  # the serialized request (JSON protocol)
        attribute = body["LookupAttributes"][0]["AttributeValue"]
        return refuse(**kwargs) if only is None or attribute == only else None

    def observe(client: Any) -> None:
        if client.meta.service_model.service_name == "cloudtrail":
            client.meta.events.register("before-call.cloudtrail.LookupEvents", before_call)

    return observe


def _lookup_errors(snapshot: Snapshot) -> list[Any]:
    acct = snapshot.account(ACCOUNT)
    assert acct is not None
    return [e for e in acct.regions[E1].errors if e.operation == "LookupEvents"]


def test_a_denied_lookup_events_is_a_call_error_per_event_name_none_read() -> None:
    with empty_world() as factory:
        record_every_family(datetime.now(UTC))
        observed = SessionFactory(
            session=factory.base_session(), on_client=_failing("AccessDeniedException", 400)
        )
        snapshot = collect(observed, history_options([E1]))
    history = region_history(snapshot)
    assert history.names_read == [] and history.events == []
    errors = _lookup_errors(snapshot)
    assert [e.resource for e in errors] == list(EVENT_NAMES)  # each name says it is not read
    for error in errors:
        assert (error.service, error.region, error.account_id) == ("cloudtrail", E1, ACCOUNT)
        assert error.error_code == "AccessDeniedException"
    first, *rest = errors
    assert first.message == "AccessDeniedException for LookupEvents"
    # IAM grants or denies LookupEvents as a whole: one refusal, not forty at two a second
    assert history.calls == 1
    assert all(e.message.startswith("not asked: LookupEvents of CreateTrail") for e in rest)
    assert minimum_lookup_calls(history, _lookup_errors(snapshot)) == 1
    for family in FAMILIES:
        assert not history.family_complete(family)


def test_a_name_that_fails_is_absent_from_the_names_read_and_the_others_are_read() -> None:
    with empty_world() as factory:
        record_every_family(datetime.now(UTC))
        observed = SessionFactory(
            session=factory.base_session(),
            on_client=_failing("OperationNotPermittedException", 400, only="StopLogging"),
        )
        snapshot = collect(observed, history_options([E1]))
    history = region_history(snapshot)
    assert history.names_read == [n for n in EVENT_NAMES if n != "StopLogging"]
    assert "StopLogging" not in {e.event_name for e in history.events}
    assert len(history.events) == len(EVENT_NAMES) - 1
    trail_logging = next(f for f in FAMILIES if f.key == "trail-logging")
    assert not history.family_complete(trail_logging)
    assert all(history.family_complete(f) for f in FAMILIES if f is not trail_logging)
    (error,) = _lookup_errors(snapshot)
    assert (error.service, error.region, error.account_id, error.resource) == (
        "cloudtrail",
        E1,
        ACCOUNT,
        "StopLogging",
    )
    assert error.error_code == "OperationNotPermittedException"
    assert minimum_lookup_calls(history, _lookup_errors(snapshot)) == history.calls


def test_a_denied_event_of_the_history_is_kept_as_an_attempt() -> None:
    with empty_world() as factory:
        attempt = record_event(
            ACCOUNT,
            E1,
            event_name="StopLogging",
            event_time=datetime.now(UTC) - timedelta(days=3),
            actor_arn=ALICE,
            error_code="AccessDenied",
            request_parameters={"name": "org-ai-trail"},
        )
        snapshot = collect(factory, history_options([E1]))
    (event,) = region_history(snapshot).events
    assert event.event_id == attempt
    assert event.error_code == "AccessDenied"
    assert not event.succeeded
    assert event.request_parameters == {"name": "org-ai-trail"}


def test_each_region_reads_its_own_history() -> None:
    with empty_world() as factory:
        now = datetime.now(UTC)
        east = record_event(ACCOUNT, E1, event_name="StopLogging", event_time=now, actor_arn=ALICE)
        west = record_event(
            ACCOUNT, W2, event_name="DeleteDetector", event_time=now, actor_arn=ALICE
        )
        snapshot = collect(factory, history_options([E1, W2]))
    assert [e.event_id for e in region_history(snapshot, E1).events] == [east]
    assert [e.event_id for e in region_history(snapshot, W2).events] == [west]


def test_lookup_events_is_read_only_and_in_the_generated_policy() -> None:
    from aiposture.collect.guard import COLLECTOR_OPERATIONS, is_allowed
    from aiposture.collect.policy import iam_actions

    assert ("cloudtrail", "LookupEvents") in COLLECTOR_OPERATIONS
    assert is_allowed("cloudtrail", "LookupEvents")
    assert "cloudtrail:LookupEvents" in iam_actions()


# --------------------------------------------------------------------------- the pace


def test_the_throttled_run_gives_the_same_snapshot_as_the_unthrottled_one() -> None:
    """At AWS's own limit (2 per second per account-region) the paced scan is never refused."""
    with empty_world() as factory:
        now = datetime.now(UTC)
        record_every_family(now)
        for i in range(60):
            record_event(
                ACCOUNT,
                E1,
                event_name="PutMetricAlarm",
                event_time=now - timedelta(minutes=i + 1),
                actor_arn=ALICE,
            )
        clean = collect(factory, history_options([E1]))
        set_lookup_events_rate(2.0)
        throttled_answers: list[str] = []
        count = CallCounter()

        def observe(client: Any) -> None:
            count(client)

            def on_response(parsed: dict[str, Any], **_: Any) -> None:
                code = (parsed.get("Error") or {}).get("Code")
                if code:
                    throttled_answers.append(str(code))

            client.meta.events.register("after-call.cloudtrail.LookupEvents", on_response)

        observed = SessionFactory(session=factory.base_session(), on_client=observe)
        started = time.monotonic()
        paced = collect(observed, history_options([E1], per_second=2.0))
        seconds = time.monotonic() - started
    calls = region_history(paced).calls
    assert calls == len(EVENT_NAMES) + 1  # PutMetricAlarm: 61 events, two pages
    assert throttled_answers == []  # paced at the limit: never refused
    assert count.sent["cloudtrail:LookupEvents"] == calls
    assert seconds >= (calls - 1) / 2.0 - 0.1  # the pace is kept, not only hoped for
    assert region_history(paced).names_read == list(EVENT_NAMES)  # every name, paced
    assert _history_dump(paced) == _history_dump(clean)
    assert normalized(paced) == normalized(clean)


def test_a_scan_faster_than_the_limit_is_throttled_retried_and_still_the_same() -> None:
    """Over the limit, botocore's retries absorb the throttling: the evidence is unchanged."""
    with empty_world() as factory:
        now = datetime.now(UTC)
        record_every_family(now)
        clean = collect(factory, history_options([E1]))
        set_lookup_events_rate(10.0)
        count = CallCounter()
        observed = SessionFactory(session=factory.base_session(), on_client=count)
        hurried = collect(observed, history_options([E1], per_second=FAST))
    history = region_history(hurried)
    assert count.sent["cloudtrail:LookupEvents"] > history.calls  # some were throttled
    assert not hurried.accounts[0].all_errors()
    assert _history_dump(hurried) == _history_dump(clean)


def _history_dump(snapshot: Snapshot) -> dict[str, Any]:
    """The region's history without the scan clock (start, end, oldest)."""
    dumped = region_history(snapshot).model_dump(mode="json")
    return {k: v for k, v in dumped.items() if k not in ("start", "end", "oldest_available")}


def test_each_account_region_is_paced_on_its_own_and_no_worker_sleeps() -> None:
    """Two regions at 20 per second each: each keeps its spacing, and they run side by side."""
    sent: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()

    def observe(client: Any) -> None:
        region = client.meta.region_name

        def on_send(**_: Any) -> None:
            with lock:
                sent[region].append(time.monotonic())

        client.meta.events.register("before-send.cloudtrail.LookupEvents", on_send)

    with empty_world() as factory:
        observed = SessionFactory(session=factory.base_session(), on_client=observe)
        started = time.monotonic()
        collect(observed, history_options([E1, W2], per_second=20.0))
        seconds = time.monotonic() - started
    for region in (E1, W2):
        times = sent[region]
        assert len(times) == len(EVENT_NAMES)
        # the calls start 1/20 s apart; what the send hook sees jitters with the CPU, so:
        # never three sends within one interval (a bucket of two absorbs the jitter), and
        # the whole run takes at least the paced time
        spans = [b - a for a, b in zip(times, times[2:], strict=False)]
        assert min(spans) >= 1 / 20.0, (region, min(spans))
        assert times[-1] - times[0] >= (len(times) - 1) / 20.0 - 0.05
    # side by side: about one region's 2 s, not two regions' 4 s
    assert seconds < 2 * (len(EVENT_NAMES) - 1) / 20.0


# --------------------------------------------------------------------------- moto's HTTP server


def test_the_history_is_the_same_through_moto_s_http_server() -> None:
    def nothing(session_for: Any, endpoint: str) -> None:
        return None

    now = datetime.now(UTC)
    with seeded_server(nothing, E1) as (endpoint, _):
        ids = record_every_family(now)
        for i in range(75):
            record_event(
                ACCOUNT,
                E1,
                event_name="UpdateTrail",
                event_time=now - timedelta(minutes=i + 1),
                actor_arn=ALICE,
            )
        session = boto3.Session(
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=E1,
        )
        set_lookup_events_rate(10.0)  # the limit, five times AWS's to keep the test short
        try:
            snapshot = collect(
                SessionFactory(session=session, endpoint_url=endpoint),
                history_options([E1], per_second=10.0),
            )
        finally:
            set_lookup_events_rate(None)
            clear_events()
    history = region_history(snapshot)
    assert history.names_read == list(EVENT_NAMES)
    assert history.calls == len(EVENT_NAMES) + 1  # UpdateTrail: 76 events, two pages
    got = {e.event_id: e for e in history.events}
    assert set(ids) <= set(got)
    stop = next(e for e in got.values() if e.event_name == "StopLogging")
    assert (stop.actor_arn, stop.source_ip) == (ALICE, "203.0.113.4")
    assert not [e for a in snapshot.accounts for e in a.all_errors() if e.service == "cloudtrail"]


# --------------------------------------------------------------------------- the reader itself


class FakeClock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _window() -> HistoryWindow:
    end = datetime(2026, 10, 1, tzinfo=UTC)
    return HistoryWindow(
        start=end - timedelta(days=30), end=end, oldest_available=end - timedelta(days=90)
    )


def _entry(event_id: str, name: str, when: datetime, **record: Any) -> dict[str, Any]:
    body = {"userIdentity": {"arn": ALICE, "type": "AssumedRole"}, "sourceIPAddress": "x"}
    body.update(record)
    return {
        "EventId": event_id,
        "EventName": name,
        "EventTime": when,
        "EventSource": "cloudtrail.amazonaws.com",
        "CloudTrailEvent": json.dumps(body),
    }


class ScriptedClient:
    """A CloudTrail client whose LookupEvents answers come from a script, per event name."""

    def __init__(self, pages: dict[str, list[dict[str, Any]]]) -> None:
        self.pages = pages
        self.asked: list[tuple[str, str | None]] = []

    def lookup_events(self, **params: Any) -> dict[str, Any]:
        name = params["LookupAttributes"][0]["AttributeValue"]
        token = params.get("NextToken")
        self.asked.append((name, token))
        script = self.pages.get(name) or [{"Events": []}]
        index = 0 if token is None else int(token.split("-")[-1])
        return script[min(index, len(script) - 1)]


def test_the_pacer_spaces_calls_and_a_step_makes_only_the_allowed_ones() -> None:
    clock = FakeClock()
    pacer = Pacer(2.0, clock)
    assert pacer.ready()
    pacer.spend()
    assert not pacer.ready() and pacer.ready_at() == 100.5
    clock.now = 100.5
    assert pacer.ready()

    reader = RegionHistoryReader(
        ACCOUNT, E1, _window(), per_second=2.0, names=["StopLogging", "StartLogging"], clock=clock
    )
    client = ScriptedClient({})
    assert reader.step(client) == 1  # the first call at once, then the pace says wait
    assert reader.step(client) == 0
    clock.now += 0.5
    assert reader.step(client) == 1
    assert reader.done and reader.calls == 2
    assert [name for name, _ in client.asked] == ["StopLogging", "StartLogging"]

    class Slow(ScriptedClient):
        def lookup_events(self, **params: Any) -> dict[str, Any]:
            clock.now += 0.01  # 10 ms of latency: at 1000 per second every call is allowed
            return super().lookup_events(**params)

    fast = RegionHistoryReader(ACCOUNT, E1, _window(), per_second=FAST, clock=clock)
    assert fast.step(Slow({})) == MAX_CALLS_PER_STEP  # then it gives its worker back
    assert fast.calls == MAX_CALLS_PER_STEP and not fast.done


def test_a_repeated_next_token_is_refused_and_the_name_is_not_read() -> None:
    when = _window().end - timedelta(days=1)
    page = {"Events": [_entry("e1", "StopLogging", when)], "NextToken": "loop-1"}
    client = ScriptedClient({"StopLogging": [page, page]})
    history, errors = read_region_history(
        client, ACCOUNT, E1, _window(), per_second=FAST, names=["StopLogging", "StartLogging"]
    )
    assert history.names_read == ["StartLogging"]
    assert history.events == []  # the pages read before the loop are dropped
    (error,) = errors
    assert (error.resource, error.error_code) == ("StopLogging", "MalformedResponse")
    assert "NextToken already followed" in error.message
    assert history.calls == 3


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({}, "lacks Events"),
        ({"Events": [{"EventName": "StopLogging"}]}, "no EventId"),
        ({"Events": [_entry("e1", "StartLogging", datetime(2026, 9, 20, tzinfo=UTC))]}, "asked"),
        ({"Events": [_entry("e1", "StopLogging", datetime(2026, 1, 1, tzinfo=UTC))]}, "outside"),
        (
            {
                "Events": [
                    {
                        **_entry("e1", "StopLogging", datetime(2026, 9, 20, tzinfo=UTC)),
                        "CloudTrailEvent": "{not json",
                    }
                ]
            },
            "is not JSON",
        ),
        (
            {
                "Events": [
                    {
                        **_entry("e1", "StopLogging", datetime(2026, 9, 20, tzinfo=UTC)),
                        "CloudTrailEvent": None,
                    }
                ]
            },
            "no CloudTrailEvent",
        ),
        (
            {
                "Events": [
                    _entry(f"e{i}", "StopLogging", datetime(2026, 9, 20, tzinfo=UTC))
                    for i in range(51)
                ]
            },
            "51 events in one page",
        ),
        (
            {
                "Events": [
                    {
                        **_entry("e1", "StopLogging", datetime(2026, 9, 20, tzinfo=UTC)),
                        "CloudTrailEvent": '{"userIdentity": {"arn": "\\ud800"}}',
                    }
                ]
            },
            "lone UTF-16 surrogate",
        ),
    ],
)
def test_an_answer_that_is_not_lookup_events_is_malformed_never_no_change(
    answer: dict[str, Any], reason: str
) -> None:
    client = ScriptedClient({"StopLogging": [answer]})
    history, errors = read_region_history(
        client, ACCOUNT, E1, _window(), per_second=FAST, names=["StopLogging"]
    )
    assert history.names_read == [] and history.events == []
    (error,) = errors
    assert error.error_code == "MalformedResponse"
    assert reason in error.message


def test_a_failure_on_a_later_page_drops_the_name_s_earlier_pages() -> None:
    when = _window().end - timedelta(days=1)
    first = {"Events": [_entry("e1", "StopLogging", when)], "NextToken": "p-1"}

    class FailsOnPageTwo(ScriptedClient):
        def lookup_events(self, **params: Any) -> dict[str, Any]:
            if params.get("NextToken"):
                raise RuntimeError("connection reset")
            return super().lookup_events(**params)

    history, errors = read_region_history(
        FailsOnPageTwo({"StopLogging": [first]}),
        ACCOUNT,
        E1,
        _window(),
        per_second=FAST,
        names=["StopLogging", "CreateTrail"],
    )
    assert history.names_read == ["CreateTrail"]
    assert history.events == []
    assert [e.resource for e in errors] == ["StopLogging"]


# --------------------------------------------------------------------------- period and pace


def test_the_window_starts_at_the_oldest_instant_kept_when_the_period_is_older() -> None:
    end = datetime(2026, 12, 1, tzinfo=UTC)
    old = Period(start=end - timedelta(days=200), end=end - timedelta(days=100), label="old")
    window = HistoryPlan(old, end).window
    assert window.oldest_available == end - LOOKUP_EVENTS_RETENTION
    assert window.start == window.oldest_available  # the history cannot reach the period
    assert window.end == end


@pytest.mark.parametrize(
    ("since", "period", "message"),
    [
        ("90d", "2026-07-01..2026-09-30", "give --since or --period, not both"),
        (None, "2026-07-01-2026-09-30", "is not FIRST..LAST"),
        (None, "2026-09-30..2026-07-01", "ends before it starts"),
        (None, "2026-02-30..2026-03-01", "--period"),
        ("0d", None, "at least 1d"),
        ("soon", None, "neither Nd"),
        (None, "2027-01-01..2027-03-31", "starts after the scan"),
    ],
)
def test_a_bad_period_is_one_line(since: str | None, period: str | None, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        period_request(since, period, now=datetime(2026, 12, 5, tzinfo=UTC))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("rate", [0.0, -1.0, float("nan"), float("inf"), 20_000.0])
def test_a_bad_pace_is_refused(rate: float) -> None:
    with pytest.raises(ConfigError, match="lookup-events-per-second"):
        check_rate(rate)
