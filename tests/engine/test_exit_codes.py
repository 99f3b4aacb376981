"""The readiness gate: a pure function of (results, fail_on, min_scores), table-driven."""

from __future__ import annotations

import pytest

from aiposture.engine.exit_codes import ExitCode, exit_code, gate, parse_min_scores
from aiposture.errors import ConfigError
from aiposture.results import Scores, Severity, Status
from tests.engine.test_waivers import res, results_of

H, M, L, C = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.CRITICAL
SCORES = Scores(overall=70.0, dimensions={"agentic.audit": 85.0, "agentic.identity": None})


def run(statuses, fail_on, minimums, scores=SCORES):
    results = results_of(*(res(f"c{i}", status=s, severity=v) for i, (s, v) in enumerate(statuses)))
    return gate(results.model_copy(update={"scores": scores}), fail_on, minimums)


@pytest.mark.parametrize(
    ("statuses", "fail_on", "minimums", "code", "fragments"),
    [
        # --fail-on
        ([], H, {}, 0, []),
        ([(Status.FAIL, M)], H, {}, 0, []),
        ([(Status.FAIL, H)], H, {}, 1, ["--fail-on high: 1 failed at severity high"]),
        ([(Status.FAIL, C)], H, {}, 1, ["1 failed at severity critical"]),
        ([(Status.ERROR, H)], H, {}, 1, ["1 unverified (ERROR) at severity high"]),
        ([(Status.FAIL, H), (Status.ERROR, H)], H, {}, 1, ["1 failed and 1 unverified"]),
        ([(Status.WAIVED, C), (Status.PASS, C), (Status.NOT_APPLICABLE, C)], L, {}, 0, []),
        ([(Status.FAIL, Severity.INFO)], Severity.INFO, {}, 1, ["severity info"]),
        ([(Status.FAIL, C)], None, {}, 0, []),
        # --min-score
        ([], None, {"overall": 70}, 0, []),
        ([], None, {"overall": 70.1}, 1, ["--min-score overall=70.1: the overall score is 70"]),
        ([], None, {"agentic.audit": 80}, 0, []),
        ([], None, {"agentic.audit": 90}, 1, ["score of agentic.audit is 85"]),
        ([], None, {"agentic.identity": 0}, 1, ["agentic.identity is not measured"]),
        ([], None, {"genai.legal": 10}, 1, ["genai.legal is not measured"]),
        # both rules trip: both are reported
        ([(Status.FAIL, C)], H, {"overall": 90}, 1, ["--fail-on high", "--min-score overall=90"]),
    ],
)
def test_gate_table(statuses, fail_on, minimums, code, fragments):
    decision = run(statuses, fail_on, minimums)
    assert decision.code == ExitCode(code)
    assert len(decision.reasons) == len(fragments)
    for fragment in fragments:
        assert any(fragment in reason for reason in decision.reasons), decision.reasons


def test_unscored_overall_trips_the_gate():
    decision = run([], None, {"overall": 0}, scores=Scores())
    assert decision.code == ExitCode.FINDINGS and "not measured" in decision.reasons[0]


def test_exit_code_keeps_its_meaning():
    results = results_of(res(status=Status.FAIL, severity=M))
    assert exit_code(results, H) == ExitCode.OK
    assert exit_code(results, M) == ExitCode.FINDINGS


@pytest.mark.parametrize(
    ("flags", "base", "expected"),
    [
        ([], {}, {}),
        (["80"], {}, {"overall": 80.0}),
        (
            ["agentic.identity=80", "genai.risk = 55.5"],
            {},
            {"agentic.identity": 80, "genai.risk": 55.5},
        ),
        (
            ["overall=60"],
            {"overall": 90, "agentic.audit": 50},
            {"overall": 60, "agentic.audit": 50},
        ),
    ],
)
def test_parse_min_scores(flags, base, expected):
    assert parse_min_scores(flags, base) == expected


@pytest.mark.parametrize(
    ("flags", "base", "fragment"),
    [
        (
            ["agentic.identiy=80"],
            {},
            "--min-score 'agentic.identiy=80': unknown dimension 'agentic.identiy'",
        ),
        (["eighty"], {}, "'eighty' is not a number"),
        (["101"], {}, "between 0 and 100"),
        (["overall=-1"], {}, "between 0 and 100"),
        (["nan"], {}, "between 0 and 100"),
        ([], {"nope": 1}, "config report.min_score.nope: unknown dimension"),
    ],
)
def test_parse_min_scores_rejects(flags, base, fragment):
    with pytest.raises(ConfigError) as info:
        parse_min_scores(flags, base)
    assert fragment in str(info.value)
    assert info.value.exit_code == 2
