"""Pass and fail examples kept as data beside each check, and the loader that reads them.

A check's examples live next to its YAML, in ``checks/<group>/<check-id>.cases.yaml``::

    cases:
      - name: guide-filter-passes        # the pytest id is <check-id>::<name>
        why: one line on what the case shows (optional)
        evidence:                        # an AccountSnapshot, in the snapshot's JSON shape
          trails: [...]
          regions:
            us-east-1: {metric_filters: {...}, ...}
        config: {resources: {...}}       # a Config fragment (optional)
        period: {start: ..., end: ..., label: ...}   # the audit period (optional; the
                                         # snapshot's ``period``: history was read)
        expect: PASS                     # PASS, FAIL, ERROR or NOT_APPLICABLE
        message: matches every event     # a substring of every result's message (optional)

``evidence`` is the part of one account's snapshot the check reads. The loader fills what
every case would repeat: ``account_id`` (:data:`ACCOUNT`), each region's ``region`` (its
key), ``scanned_regions`` (the regions given, else just :data:`REGION`, read but empty).
A field left out is "not read", as in a real snapshot. The snapshot ends at :data:`NOW`, so
timestamps in the evidence are relative to it. YAML anchors and ``<<`` merge keys share a
baseline between the cases of one file.

A case file that does not parse or validate is reported as a failing test naming the file,
not as an error that hides the other checks' cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aiposture.config import Config
from aiposture.engine.catalog import CASES_SUFFIX, Catalog, checks_dir
from aiposture.errors import validation_summary
from aiposture.results import Status
from aiposture.snapshot.history import Period
from aiposture.snapshot.models import AccountSnapshot, Snapshot, ToolInfo
from tests.builders import ACCOUNT, NOW, REGION

Expected = Literal["PASS", "FAIL", "ERROR", "NOT_APPLICABLE"]
"""The statuses a case may expect (WAIVED comes from waivers, not from a check)."""


class Case(BaseModel):
    """One example: the evidence a check reads, and the status it must give."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """The case's name, unique in its file: the test id is ``<check-id>::<name>``."""
    why: str | None = None
    """What the case shows, when its name does not say it all."""
    evidence: AccountSnapshot
    """The account's snapshot: what the check reads (see the module docstring)."""
    config: Config = Field(default_factory=Config)
    """The configuration the scan runs with (the defaults when not given)."""
    period: Period | None = None
    """The snapshot's audit period (:attr:`Snapshot.period`): set it for a scan that read
    the event history; left out, the history was not read (``--no-history``)."""
    expect: Expected
    """The status of every result the check gives for the account."""
    message: str | None = Field(default=None, min_length=1)
    """A substring that every result's message must hold."""

    @field_validator("evidence", mode="before")
    @classmethod
    def _fill_account(cls, value: Any) -> Any:
        """Fill the account id, each region's own name and the scanned regions."""
        if value is None:
            value = {}
        if not isinstance(value, dict):
            return value
        data = dict(value)
        data.setdefault("account_id", ACCOUNT)
        regions = data.get("regions")
        if regions is None:
            regions = {REGION: {}}
        if isinstance(regions, dict):
            regions = {
                name: {"region": name, **(body or {})} if isinstance(body or {}, dict) else body
                for name, body in regions.items()
            }
            data.setdefault("scanned_regions", list(regions))
        data["regions"] = regions
        return data

    @property
    def status(self) -> Status:
        """The expected status."""
        return Status(self.expect)

    def snapshot(self) -> Snapshot:
        """A one-account snapshot holding this case's evidence (a fresh copy each time)."""
        return Snapshot(
            tool=ToolInfo(version="cases"),
            started_at=NOW - timedelta(minutes=1),
            finished_at=NOW,
            period=self.period,
            accounts=[self.evidence.model_copy(deep=True)],
        )


class CaseFile(BaseModel):
    """A ``<check-id>.cases.yaml`` file: the check's examples."""

    model_config = ConfigDict(extra="forbid")

    cases: list[Case] = Field(min_length=1)

    @field_validator("cases")
    @classmethod
    def _unique_names(cls, cases: list[Case]) -> list[Case]:
        seen: set[str] = set()
        for case in cases:
            if case.name in seen:
                raise ValueError(f"case name '{case.name}' is used twice")
            seen.add(case.name)
        return cases


class CaseFileError(Exception):
    """A case file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class CheckCase:
    """One case of one check, with the file it came from."""

    check_id: str
    path: Path
    case: Case

    @property
    def test_id(self) -> str:
        """``<check-id>::<case-name>``: ``pytest -k <check-id>`` selects a check's cases."""
        return f"{self.check_id}::{self.case.name}"


@dataclass(frozen=True)
class BrokenCaseFile:
    """A case file that failed to load, reported as one failing test."""

    path: Path
    reason: str

    @property
    def test_id(self) -> str:
        """``<check-id>::invalid-case-file``."""
        return f"{check_id_of(self.path)}::invalid-case-file"


def check_id_of(path: Path) -> str:
    """The check a case file is for: its name without ``.cases.yaml``."""
    return path.name.removesuffix(CASES_SUFFIX)


def case_files(root: Path | None = None) -> list[Path]:
    """Every case file under the catalog folder, sorted."""
    return sorted((root or checks_dir()).rglob(f"*{CASES_SUFFIX}"))


def load_case_file(path: Path, catalog: Catalog) -> list[CheckCase]:
    """The cases of one file; :class:`CaseFileError` names the file and the first problem."""
    check_id = check_id_of(path)
    item = catalog.get(check_id)
    if item is None:
        raise CaseFileError(f"case file {path}: names no check of the catalog ('{check_id}')")
    if path.parent != item.path.parent:
        raise CaseFileError(f"case file {path}: lies apart from its check {item.path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CaseFileError(f"case file {path} is not valid YAML: {exc}") from exc
    try:
        parsed = CaseFile.model_validate(data)
    except ValidationError as exc:
        where, _, message = validation_summary(exc)
        raise CaseFileError(f"case file {path} is invalid at {where}: {message}") from exc
    return [CheckCase(check_id, path, case) for case in parsed.cases]


def load_cases(catalog: Catalog, root: Path | None = None) -> list[CheckCase | BrokenCaseFile]:
    """Every case of every case file; a file that fails to load is one :class:`BrokenCaseFile`."""
    out: list[CheckCase | BrokenCaseFile] = []
    for path in case_files(root):
        try:
            out.extend(load_case_file(path, catalog))
        except CaseFileError as exc:
            out.append(BrokenCaseFile(path, str(exc)))
    return out
