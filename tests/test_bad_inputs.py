"""Every bad input is one line on stderr and exit 2; nothing partial is left behind.

Issue 14: files that are not UTF-8, JSON or YAML nested 100,000 deep, a lone UTF-16
surrogate, an empty waivers file, output folders that are read-only or full, outputs that
would overwrite an input, and a malformed STS answer. Each case runs the console entry
point (:func:`aiposture.cli.main`) in-process and checks what a user sees: the exit code,
exactly one ``aiposture: error:`` line naming the problem (no traceback, no "internal
error"), the previous output byte for byte, and no temporary file.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest

from aiposture import cli
from aiposture.api import evaluate_snapshot
from aiposture.collect.responses import MalformedResponse, install_response_check
from aiposture.config import Config
from aiposture.results import Results, content_sha256, dump_results
from aiposture.snapshot.io import dump_snapshot, load_snapshot
from tests.builders import snapshot, trail

DEEP = 100_000
PREVIOUS = b'{"previous": "output, which a failed run must leave as it was"}\n'


@dataclass
class Run:
    """What one command showed the user."""

    code: int
    out: str
    err: str

    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run ``aiposture ARGS`` in this process, as the console script does."""
    monkeypatch.setattr(cli, "_sigterm_interrupts", lambda: None)

    def invoke(*args: str | Path) -> Run:
        capsys.readouterr()
        try:
            cli.main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return invoke


def assert_refused(result: Run, fragment: str) -> None:
    """Exit 2 and one ``aiposture: error:`` line holding ``fragment``."""
    assert result.code == 2, result
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    lines = result.lines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("aiposture: error: "), lines[0]
    assert fragment in lines[0], lines[0]


def temporaries(folder: Path) -> list[Path]:
    """Temporary files left anywhere under ``folder``."""
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


@dataclass
class Work:
    """A folder with a snapshot, its results, and a previous output of each command."""

    root: Path
    snapshot: Path
    results: Path
    out: Path
    """The output folder; ``out/results.json`` holds :data:`PREVIOUS`."""

    @property
    def previous(self) -> Path:
        return self.out / "results.json"

    def put(self, name: str, data: bytes | str) -> Path:
        path = self.root / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot (a stopped trail: failing checks) and its results, made once."""
    folder = tmp_path_factory.mktemp("judged")
    snap = folder / "snapshot.json"
    dump_snapshot(snapshot(trail(logging=False)), snap)
    loaded, digest = load_snapshot(snap)
    dump_results(evaluate_snapshot(loaded, Config(), sha256=digest), folder / "results.json")
    return folder


@pytest.fixture
def work(tmp_path: Path, judged: Path) -> Work:
    shutil.copytree(judged, tmp_path / "judged")
    snap, results = tmp_path / "judged" / "snapshot.json", tmp_path / "judged" / "results.json"
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_bytes(PREVIOUS)
    return Work(tmp_path, snap, results, out)


def _deep_json() -> str:
    return "[" * DEEP + "]" * DEEP


def _deep_yaml() -> str:
    return "a: " + "[" * DEEP + "]" * DEEP + "\n"


def _deep_toml() -> str:
    return "[report]\nmin_score = " + "[" * DEEP + "]" * DEEP + "\n"


def _results_with(work: Work, text: str) -> str:
    """The results file with ``text`` as its first message, its content hash made to match."""
    doc = json.loads(work.results.read_text())
    doc.pop("integrity", None)
    doc["results"][0]["message"] = text
    doc["integrity"] = {
        "algorithm": "sha256",
        "content_sha256": content_sha256(Results.model_validate(doc)),
    }
    return json.dumps(doc)  # ASCII escapes: "\ud800" stays an escape in the text


def _snapshot_with(work: Work, text: str) -> str:
    doc = json.loads(work.snapshot.read_text())
    doc["snapshot"]["tool"]["version"] = text
    return json.dumps(doc)


WAIVER = (
    "waivers:\n  - id: {id}\n    check: ct-trail-logging\n    owner: sec@example.com\n"
    "    justification: accepted\n    expires: 2099-01-01\n"
)

# (id, file name, content (or a function of the Work), the command, the expected fragment)
# The command names the bad file as {bad}; {snap}, {results} and {out} are the Work's.
Content = str | bytes | Callable[[Work], str]
CASES: list[tuple[str, str, Content, str, str]] = [
    # 1-5: not UTF-8 (Latin-1 é; the raw UTF-8 encoding of a surrogate, ED A0 80)
    ("results-latin1", "r.json", b'{"a": "\xe9"}', "report {bad} --out {out}", "not UTF-8"),
    (
        "config-latin1",
        "c.toml",
        b'[scan]\nprofile = "\xe9"\n',
        "evaluate {snap} --config {bad} --out {out}/results.json",
        "config {bad} is not UTF-8 text",
    ),
    (
        "baseline-latin1",
        "b.json",
        b'{"a": "\xe9"}',
        "evaluate {snap} --baseline {bad} --out {out}/results.json",
        "baseline: results {bad} is not UTF-8 text",
    ),
    (
        "waivers-latin1",
        "w.yaml",
        b"waivers: []\n# \xe9\n",
        "evaluate {snap} --waivers {bad} --out {out}/results.json",
        "waivers {bad} is not UTF-8 text",
    ),
    (
        "snapshot-raw-surrogate",
        "s.json",
        b'{"x": "\xed\xa0\x80"}',
        "evaluate {bad} --out {out}/results.json",
        "snapshot {bad} is not UTF-8 text",
    ),
    (
        "results-raw-surrogate",
        "r.json",
        b'{"x": "\xed\xa0\x80"}',
        "report {bad} --out {out}",
        "results {bad} is not UTF-8",
    ),
    (
        "config-raw-surrogate",
        "c.json",
        b'{"x": "\xed\xa0\x80"}',
        "evaluate {snap} --config {bad} --out {out}/results.json",
        "config {bad} is not UTF-8",
    ),
    # 6-12: nested 100,000 deep
    (
        "results-deep",
        "r.json",
        _deep_json(),
        "report {bad} --out {out}",
        "results {bad} is nested more than",
    ),
    (
        "snapshot-deep",
        "s.json",
        _deep_json(),
        "evaluate {bad} --out {out}/results.json",
        "snapshot {bad} is nested more than",
    ),
    (
        "baseline-deep",
        "b.json",
        _deep_json(),
        "evaluate {snap} --baseline {bad} --out {out}/results.json",
        "baseline: results {bad} is nested more than",
    ),
    (
        "config-json-deep",
        "c.json",
        _deep_json(),
        "evaluate {snap} --config {bad} --out {out}/results.json",
        "config {bad} is nested more than",
    ),
    (
        "config-yaml-deep",
        "c.yaml",
        _deep_yaml(),
        "evaluate {snap} --config {bad} --out {out}/results.json",
        "config {bad} is nested more than",
    ),
    (
        "config-toml-deep",
        "c.toml",
        _deep_toml(),
        "evaluate {snap} --config {bad} --out {out}/results.json",
        "config {bad} is nested more than",
    ),
    (
        "waivers-deep",
        "w.yaml",
        "waivers: " + "[" * DEEP + "]" * DEEP + "\n",
        "evaluate {snap} --waivers {bad} --out {out}/results.json",
        "waivers {bad} is nested more than",
    ),
    (
        "merge-input-deep",
        "s.json",
        _deep_json(),
        "merge {bad} --out {out}/results.json",
        "snapshot {bad} is nested more than",
    ),
    # 13-17: a lone surrogate as a JSON or YAML escape (valid syntax, not Unicode text)
    (
        "results-surrogate",
        "r.json",
        lambda w: _results_with(w, "bad \ud800 text"),
        "report {bad} --out {out}",
        "results {bad} holds a lone UTF-16 surrogate at results[0].message",
    ),
    (
        "snapshot-surrogate",
        "s.json",
        lambda w: _snapshot_with(w, "1\ud800"),
        "evaluate {bad} --out {out}/results.json",
        "snapshot {bad} holds a lone UTF-16 surrogate at snapshot.tool.version",
    ),
    (
        "config-json-surrogate",
        "c.json",
        '{"scan": {"profile": "\\ud800"}}',
        "evaluate {snap} --config {bad} --out {out}/results.json",
        "config {bad} holds a lone UTF-16 surrogate at scan.profile",
    ),
    (
        "config-yaml-surrogate-key",
        "c.yaml",
        'scan:\n  "\\udc00": 1\n',
        "evaluate {snap} --config {bad} --out {out}/results.json",
        "config {bad} holds a lone UTF-16 surrogate at a key of scan",
    ),
    (
        "waivers-surrogate",
        "w.yaml",
        WAIVER.format(id='"W\\ud800"'),
        "evaluate {snap} --waivers {bad} --out {out}/results.json",
        "waivers {bad} holds a lone UTF-16 surrogate at waivers[0].id",
    ),
    # 18-19: an empty waivers file; a config of an unknown type names every known one
    (
        "waivers-empty",
        "w.yaml",
        "# to do\n",
        "evaluate {snap} --waivers {bad} --out {out}/results.json",
        "waivers {bad} is empty; for no waivers write 'waivers: []'",
    ),
    (
        "config-unknown-type",
        "c.ini",
        "[scan]\n",
        "evaluate {snap} --config {bad} --out {out}/results.json",
        "(use .toml, .yaml, .yml or .json)",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "command", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_input_is_one_line_and_exit_2(
    work: Work, run: Callable[..., Run], name: str, content: Content, command: str, fragment: str
) -> None:
    bad = work.put(name, content(work) if callable(content) else content)
    args = command.format(bad=bad, snap=work.snapshot, results=work.results, out=work.out)
    assert_refused(run(*args.split()), fragment.format(bad=bad))
    assert work.previous.read_bytes() == PREVIOUS
    assert sorted(p.name for p in work.out.iterdir()) == ["results.json"]


def test_an_explicitly_empty_waivers_list_is_accepted(work: Work, run: Callable[..., Run]):
    waivers = work.put("w.yaml", "waivers: []\n")
    result = run("evaluate", work.snapshot, "--waivers", waivers, "--out", work.root / "r.json")
    assert result.code == 1, result  # the stopped trail fails a critical check
    assert json.loads((work.root / "r.json").read_text())["waivers"] == []


# --- outputs never overwrite an input ------------------------------------------------------


def _report_over_its_input(work: Work) -> tuple[list[str | Path], Path]:
    out = work.results.parent  # the folder that holds results.json
    return ["report", work.results, "--out", out, "--format", "json,csv"], work.results


def _evaluate_over_its_snapshot(work: Work) -> tuple[list[str | Path], Path]:
    return ["evaluate", work.snapshot, "--out", work.snapshot], work.snapshot


def _evaluate_over_its_baseline(work: Work) -> tuple[list[str | Path], Path]:
    return [
        "evaluate",
        work.snapshot,
        "--baseline",
        work.results,
        "--out",
        work.results,
    ], work.results


def _evaluate_over_its_waivers(work: Work) -> tuple[list[str | Path], Path]:
    waivers = work.put("w.yaml", "waivers: []\n")
    return ["evaluate", work.snapshot, "--waivers", waivers, "--out", waivers], waivers


def _merge_over_its_input(work: Work) -> tuple[list[str | Path], Path]:
    other = work.root / "other.json"
    other.write_bytes(work.snapshot.read_bytes())
    return ["merge", work.snapshot, other, "--out", work.snapshot], work.snapshot


def _report_through_a_symlink(work: Work) -> tuple[list[str | Path], Path]:
    out = work.root / "linked"
    out.mkdir()
    (out / "results.json").symlink_to(work.results)
    return ["report", work.results, "--out", out, "--format", "json"], work.results


def _report_through_a_hard_link(work: Work) -> tuple[list[str | Path], Path]:
    out = work.root / "linked"
    out.mkdir()
    os.link(work.results, out / "results.json")
    return ["report", out / "results.json", "--out", out, "--format", "json"], work.results


def _remediate_over_its_snapshot(work: Work) -> tuple[list[str | Path], Path]:
    out = work.root / "plan"
    out.mkdir()
    snap = out / "plan.json"  # a snapshot saved under the name the plan's data file has
    snap.write_bytes(work.snapshot.read_bytes())
    return ["remediate", work.results, "--snapshot", snap, "--out", out], snap


def _report_config_is_the_manifest(work: Work) -> tuple[list[str | Path], Path]:
    out = work.root / "folder"
    out.mkdir()
    config = out / "MANIFEST.json"
    config.write_text("{}\n")
    return ["report", work.results, "--config", config, "--out", out, "--format", "json"], config


def _merge_into_its_input_folder(work: Work) -> tuple[list[str | Path], Path]:
    folder = work.root / "snapfolder"
    folder.mkdir()
    inside = folder / "snapshot.json"
    inside.write_bytes(work.snapshot.read_bytes())
    return ["merge", folder, "--out", folder / "merged.json"], inside


@pytest.mark.parametrize(
    "case",
    [
        _report_over_its_input,
        _evaluate_over_its_snapshot,
        _evaluate_over_its_baseline,
        _evaluate_over_its_waivers,
        _merge_over_its_input,
        _report_through_a_symlink,
        _report_through_a_hard_link,
        _remediate_over_its_snapshot,
        _report_config_is_the_manifest,
        _merge_into_its_input_folder,
    ],
    ids=lambda case: case.__name__.strip("_"),
)
def test_an_output_never_overwrites_an_input(
    work: Work, run: Callable[..., Run], case: Callable[[Work], tuple[list[str | Path], Path]]
) -> None:
    args, protected = case(work)
    before = protected.read_bytes()
    listing = sorted(p for p in work.root.rglob("*"))
    assert_refused(run(*args), "aiposture never writes over an input")
    assert protected.read_bytes() == before
    assert sorted(p for p in work.root.rglob("*")) == listing  # nothing written at all


def test_scan_refuses_before_collecting_when_out_holds_the_baseline(
    work: Work, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    collected: list[bool] = []
    monkeypatch.setattr(
        "aiposture.api.collect_snapshot", lambda *a, **k: collected.append(True) or snapshot()
    )
    out = work.results.parent
    before = work.results.read_bytes()
    result = run("scan", "--out", out, "--baseline", work.results, "--format", "json")
    assert_refused(result, f"would overwrite the baseline input {work.results}")
    assert collected == [] and work.results.read_bytes() == before


# --- read-only, full, or impossible output folders -----------------------------------------


def _no_space(monkeypatch: pytest.MonkeyPatch) -> str:
    """The disk fills up once the data is in the temporary file (fsync fails: ENOSPC)."""

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)
    return "No space left on device"


def _read_only(monkeypatch: pytest.MonkeyPatch) -> str:
    """The folder is on a read-only file system (no file can be created: EROFS)."""

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    return "Read-only file system"


FAILURES = [_no_space, _read_only]


def _collected(monkeypatch: pytest.MonkeyPatch) -> None:
    """Collection gives the builders' snapshot (the write is what is under test)."""
    monkeypatch.setattr("aiposture.api.collect_snapshot", lambda *a, **k: snapshot(trail()))


def _evaluate(work: Work, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str | Path], Path]:
    return ["evaluate", work.snapshot, "--out", work.previous, "--fail-on", "none"], work.previous


def _report(work: Work, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str | Path], Path]:
    return ["report", work.results, "--out", work.out, "--format", "json"], work.previous


def _merge(work: Work, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str | Path], Path]:
    return ["merge", work.snapshot, "--out", work.previous, "--allow-partial"], work.previous


def _collect(work: Work, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str | Path], Path]:
    _collected(monkeypatch)
    return ["collect", "--regions", "us-east-1", "--out", work.previous], work.previous


def _scan(work: Work, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str | Path], Path]:
    _collected(monkeypatch)
    args = ["scan", "--regions", "us-east-1", "--out", work.out, "--format", "json"]
    return [*args, "--fail-on", "none"], work.previous


def _remediate(work: Work, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str | Path], Path]:
    (work.out / "plan.json").write_bytes(PREVIOUS)
    return ["remediate", work.results, "--out", work.out], work.out / "plan.json"


COMMANDS = [_evaluate, _report, _merge, _collect, _scan, _remediate]


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials that never reach AWS (collection is replaced or refused before)."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.parametrize("failure", FAILURES, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda f: f.__name__.strip("_"))
def test_an_output_that_cannot_be_written_leaves_the_previous_one(
    work: Work,
    run: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    aws_env: None,
    command: Callable[..., tuple[list[str | Path], Path]],
    failure: Callable[[pytest.MonkeyPatch], str],
) -> None:
    args, previous = command(work, monkeypatch)
    before = previous.read_bytes()
    reason = failure(monkeypatch)
    result = run(*args)
    assert_refused(result, "cannot write")
    assert reason in result.err
    assert previous.read_bytes() == before
    assert temporaries(work.root) == []


def test_an_output_folder_under_a_file_is_one_line(work: Work, run: Callable[..., Run]) -> None:
    blocker = work.put("file", "not a folder\n")
    result = run("evaluate", work.snapshot, "--out", blocker / "results.json")
    assert_refused(result, f"cannot create the folder {blocker}: a file of that name is in the way")
    assert blocker.read_text() == "not a folder\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a folder whatever its mode")
def test_a_read_only_folder_leaves_the_previous_results(
    work: Work, run: Callable[..., Run]
) -> None:
    work.out.chmod(0o500)
    try:
        result = run("evaluate", work.snapshot, "--out", work.previous, "--fail-on", "none")
    finally:
        work.out.chmod(0o700)
    assert_refused(result, "Permission denied")
    assert work.previous.read_bytes() == PREVIOUS


# --- a malformed STS answer ----------------------------------------------------------------


def _identity_xml(account: str | None, arn: str | None) -> bytes:
    members = "".join(
        f"<{k}>{v}</{k}>"
        for k, v in (("Arn", arn), ("UserId", "AIDAEXAMPLE"), ("Account", account))
        if v is not None
    )
    return (
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<GetCallerIdentityResult>{members}</GetCallerIdentityResult>"
        "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>"
    ).encode()


STS_ANSWERS = {
    "empty": (b"", "empty body"),
    "html": (b"<!DOCTYPE html><html><body>Bad Gateway</body></html>", "GetCallerIdentity"),
    "no-account": (_identity_xml(None, "arn:aws:iam::111122223333:user/a"), "Account"),
    "traversal-account": (
        _identity_xml("../../x", "arn:aws:iam::111122223333:user/a"),
        "'../../x' is not a 12-digit account id",
    ),
    "arn-of-another-account": (
        _identity_xml("111122223333", "arn:aws:iam::999999999999:user/a"),
        "is not a principal ARN of account 111122223333",
    ),
}


@pytest.fixture
def answering() -> Iterator[Callable[[bytes], str]]:
    """A local endpoint that answers every request 200 with the body set (returns its URL)."""
    body: list[bytes] = [b""]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body[0])))
            self.end_headers()
            self.wfile.write(body[0])

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(data: bytes) -> str:
        body[0] = data
        return f"http://127.0.0.1:{server.server_address[1]}"

    try:
        yield serve
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("answer", sorted(STS_ANSWERS))
def test_a_malformed_answering_is_one_line_and_exit_2(
    work: Work,
    run: Callable[..., Run],
    aws_env: None,
    answering: Callable[[bytes], str],
    answer: str,
) -> None:
    body, fragment = STS_ANSWERS[answer]
    endpoint = answering(body)
    out = work.out / "snapshot.json"
    result = run("collect", "--regions", "us-east-1", "--endpoint-url", endpoint, "--out", out)
    assert_refused(result, "malformed response to sts:GetCallerIdentity")
    assert fragment in result.err
    assert sorted(p.name for p in work.out.iterdir()) == ["results.json"]  # nothing written


def test_an_aws_answer_with_a_lone_surrogate_is_malformed(
    aws_env: None, answering: Callable[[bytes], str]
) -> None:
    """A ``\\ud800`` escape in a JSON answer would make every later write fail (UTF-8
    cannot encode it): the answer is refused as malformed, so the scan records an error."""
    endpoint = answering(b'{"trailList": [{"Name": "trail-\\ud800"}]}')
    client = boto3.client("cloudtrail", endpoint_url=endpoint, region_name="us-east-1")
    install_response_check(client)
    with pytest.raises(MalformedResponse, match=r"lone UTF-16 surrogate at trailList\[0\]\.Name"):
        client.describe_trails()
