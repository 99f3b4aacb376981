"""The check catalog: one YAML file per check under ``checks/``, validated strictly."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

import aiposture
from aiposture.errors import CatalogError, validation_summary
from aiposture.guide.data_entry import SAFE_LOADER
from aiposture.guide.peers import unknown_peer_refs
from aiposture.guide.remediation import fill as fill_remediation
from aiposture.guide.vocabulary import (
    AGENTIC_SCOPES,
    DIMENSIONS,
    GENAI_SCOPES,
    GUIDE_DIMENSIONS,
    SEED_REFS,
)
from aiposture.results import Remediation, Severity
from aiposture.rules import REGISTRY
from aiposture.rules.base import Params, RuleKind
from aiposture.rules.data_events_logged import DataEventsParams


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleSpec(_Model):
    """Which rule kind judges a check, and with which parameters."""

    kind: str
    params: dict[str, Any] = Field(default_factory=dict)


def _valid_scopes(value: list[int], allowed: dict[int, str], matrix: str) -> list[int]:
    if not value:
        raise ValueError(f"list at least one {matrix} scope")
    bad = [v for v in value if v not in allowed]
    if bad:
        raise ValueError(f"{matrix} scopes are {min(allowed)}-{max(allowed)}, not {bad}")
    if len(set(value)) != len(value):
        raise ValueError(f"{matrix} scopes are listed twice: {value}")
    return sorted(value)


def scope_range(scopes: list[int]) -> str:
    """``[2, 3, 4]`` -> ``"2-4"``; ``[1, 3]`` -> ``"1, 3"``."""
    values = sorted(scopes)
    if len(values) > 1 and values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}-{values[-1]}"
    return ", ".join(str(v) for v in values)


class AppliesTo(_Model):
    """The Scoping Matrix scopes a check applies to (every scope when not written)."""

    genai_scopes: list[int] = Field(default_factory=lambda: sorted(GENAI_SCOPES))
    """Generative AI Security Scoping Matrix scopes, 1-5."""
    agentic_scopes: list[int] = Field(default_factory=lambda: sorted(AGENTIC_SCOPES))
    """Agentic AI Security Scoping Matrix scopes, 1-4."""

    @field_validator("genai_scopes")
    @classmethod
    def _genai(cls, value: list[int]) -> list[int]:
        return _valid_scopes(value, GENAI_SCOPES, "Generative AI")

    @field_validator("agentic_scopes")
    @classmethod
    def _agentic(cls, value: list[int]) -> list[int]:
        return _valid_scopes(value, AGENTIC_SCOPES, "Agentic AI")

    def as_result(self) -> dict[str, list[int]]:
        """The form :attr:`Result.applies_to` takes: ``{"genai": [...], "agentic": [...]}``."""
        return {"genai": list(self.genai_scopes), "agentic": list(self.agentic_scopes)}


DimensionSource = Literal["guide", "guide+judgement", "judgement"]


_DATA_EVENT_TYPE = re.compile(r"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+")
"""The form of a CloudTrail data-event ``resources.type``."""


class PeerRef(_Model):
    """One peer tool's check that a check corresponds to, and how the two compare."""

    ref: str
    """``<tool>:<check id>``, e.g. ``prowler:bedrock_guardrails_configured``
    (:data:`aiposture.guide.peers.PEER_TOOLS`)."""
    relation: Literal["covered", "stricter", "partial"]
    """``covered``: this check fails whenever the peer's does; ``stricter``: it also fails
    where the peer's passes (``why`` says where); ``partial``: the two overlap, each fails
    cases the other passes (``why`` says which)."""
    why: str = Field(min_length=1)
    """What the two judge alike and where they differ."""


class Check(_Model):
    """One check, as written in ``checks/<family>/<id>.yaml``.

    ``dimension_source`` says where the check's matrix dimensions come from:

    - ``guide``: every dimension is one the guide maps to the check's ``seed_refs``
      (its dimension table or an "Implements the ... dimension" note);
    - ``guide+judgement``: the guide's dimensions plus others chosen by judgement;
    - ``judgement``: the guide maps none of the check's ``seed_refs``.

    Whenever judgement is involved, ``dimension_rationale`` must say why. In every case
    a check carries at least the dimensions the guide maps to its ``seed_refs``.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    severity: Severity
    seed_refs: list[str]
    dimensions: list[str] = Field(min_length=1)
    dimension_source: DimensionSource = "judgement"
    dimension_rationale: str | None = None
    """Why the dimensions not taken from the guide were chosen."""
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    workload: list[str] | None = None
    """For a per-workload check: the CloudTrail data-event resource types (``resources.type``,
    e.g. ``AWS::BedrockAgentCore::Gateway``) of the workload it concerns. With
    ``scan.regions_in_use: auto`` the check is NOT_APPLICABLE in a region where none of them
    is in use (:func:`aiposture.snapshot.usage.type_in_use`). Not written for a baseline
    check (judged everywhere), nor for a ``data_events_logged`` check, whose workload is its
    ``rule.params.resource_type`` (:attr:`LoadedCheck.workload`)."""
    rationale: str
    remediation: Remediation
    rule: RuleSpec
    peer_refs: list[PeerRef] = Field(default_factory=list)
    """The peer tools' checks this check corresponds to, so that a user migrating from that
    tool can map its findings (the README's comparison table is built from them)."""

    @field_validator("peer_refs")
    @classmethod
    def _known_peer_refs(cls, value: list[PeerRef]) -> list[PeerRef]:
        refs = [p.ref for p in value]
        unknown = unknown_peer_refs(refs)
        if unknown:
            raise ValueError(f"unknown peer_refs {unknown} (known: aiposture.guide.peers)")
        if len(set(refs)) != len(refs):
            raise ValueError(f"peer_refs listed twice: {refs}")
        return value

    @field_validator("seed_refs")
    @classmethod
    def _known_seed_refs(cls, value: list[str]) -> list[str]:
        unknown = [ref for ref in value if ref not in SEED_REFS]
        if unknown:
            raise ValueError(f"unknown seed_refs {unknown}")
        return value

    @field_validator("dimensions")
    @classmethod
    def _known_dimensions(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in DIMENSIONS]
        if unknown:
            raise ValueError(f"unknown dimensions {unknown}; choose from {sorted(DIMENSIONS)}")
        if len(set(value)) != len(value):
            raise ValueError(f"dimensions listed twice: {value}")
        return value

    @field_validator("workload")
    @classmethod
    def _workload_types(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("name at least one data-event resource type, or leave workload out")
        bad = [t for t in value if not _DATA_EVENT_TYPE.fullmatch(t)]
        if bad:
            raise ValueError(
                f"{bad} are not CloudTrail resources.type values like AWS::Bedrock::Tool"
            )
        if len(set(value)) != len(value):
            raise ValueError(f"workload types listed twice: {value}")
        return value

    @property
    def guide_dimensions(self) -> frozenset[str]:
        """The dimensions the guide maps to this check's ``seed_refs``."""
        return frozenset().union(
            *(GUIDE_DIMENSIONS.get(ref, frozenset()) for ref in self.seed_refs)
        )

    @model_validator(mode="after")
    def _dimension_provenance(self) -> Check:
        guide = self.guide_dimensions
        mine = set(self.dimensions)
        missing = sorted(guide - mine)
        if missing:
            raise ValueError(
                f"the guide maps {self.seed_refs} to {sorted(guide)}: add dimensions {missing}"
            )
        judged = sorted(mine - guide)
        expected: DimensionSource = (
            "judgement" if not guide else "guide+judgement" if judged else "guide"
        )
        if self.dimension_source != expected:
            raise ValueError(
                f"dimension_source is '{self.dimension_source}' but should be '{expected}' "
                f"(guide: {sorted(guide) or 'none'}; by judgement: {judged or 'none'})"
            )
        if judged and not (self.dimension_rationale or "").strip():
            raise ValueError(
                f"dimensions {judged} are not the guide's: say why in dimension_rationale"
            )
        return self


@dataclass(frozen=True)
class LoadedCheck:
    """A check with its rule kind resolved and its parameters validated."""

    check: Check
    kind: RuleKind
    params: Params
    path: Path

    @cached_property
    def workload(self) -> tuple[str, ...]:
        """The data-event types of the workload this check concerns; empty for a baseline check.

        ``check.workload`` when written; for a ``data_events_logged`` check, its
        ``resource_type``. A per-workload check is scoped by use (``scan.regions_in_use``).
        """
        if self.check.workload is not None:
            return tuple(self.check.workload)
        if isinstance(self.params, DataEventsParams):
            return (self.params.resource_type,)
        return ()


@dataclass(frozen=True)
class Catalog:
    """All checks, sorted by id, with a version derived from their content."""

    checks: tuple[LoadedCheck, ...]
    version: str
    every: tuple[LoadedCheck, ...] | None = None
    """For a selection (:meth:`selected`): the whole catalog it came from, whose parameters
    stay visible to the selected checks (an alarm builds on a metric-filter check; a detection
    takes a data-event type's ARN format from that type's check)."""

    def get(self, check_id: str) -> LoadedCheck | None:
        """The check with this id, if any."""
        return next((c for c in self.checks if c.check.id == check_id), None)

    def selected(self, keep: Callable[[LoadedCheck], bool]) -> Catalog:
        """The checks ``keep`` accepts, still referring to the whole catalog."""
        every = self.every or self.checks
        return Catalog(tuple(c for c in self.checks if keep(c)), self.version, every)

    @cached_property
    def params_by_id(self) -> dict[str, Params]:
        """Every check's validated parameters, by check id (the whole catalog's for a selection)."""
        return {c.check.id: c.params for c in self.every or self.checks}


CASES_SUFFIX = ".cases.yaml"
"""The name ending of a check's example file (see :func:`cases_path`): not a check itself."""


def checks_dir() -> Path:
    """Where the catalog lives: package data in a wheel, else ``checks/`` of the source tree."""
    packaged = Path(aiposture.__file__).parent / "_data" / "checks"
    if packaged.is_dir():
        return packaged
    return Path(aiposture.__file__).resolve().parents[2] / "checks"


def rule_module(kind: RuleKind) -> str:
    """The dotted name of the module that defines ``kind``'s evaluator."""
    return kind.function.__module__


def _shown(path: Path) -> str:
    """``path`` relative to the folder holding the catalog (POSIX form), else as it is."""
    root = checks_dir().resolve().parent
    path = path.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def source_path(item: LoadedCheck) -> str:
    """Where ``item``'s YAML lives, relative to the folder holding the catalog (POSIX form)."""
    return _shown(item.path)


def cases_path(item: LoadedCheck) -> str | None:
    """Where ``item``'s pass and fail examples live (as :func:`source_path`), if it has any.

    They sit beside the check, in ``<check-id>.cases.yaml``, and are run by
    ``tests/rules/test_check_cases.py``.
    """
    path = item.path.with_name(f"{item.check.id}{CASES_SUFFIX}")
    return _shown(path) if path.is_file() else None


def selector_for_tests(check_id: str) -> str:
    """The pytest command that runs the tests whose parameter id is ``check_id``.

    The brackets keep ``ct-data-agentcore-browser`` from also selecting the tests of
    ``ct-data-agentcore-browser-custom``.
    """
    return f"pytest tests -k '[{check_id}]'"


def _load_one(path: Path) -> LoadedCheck:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise CatalogError(f"check {path} is not valid YAML: {exc}") from exc
    try:
        check = Check.model_validate(data)
    except ValidationError as exc:
        where, _, message = validation_summary(exc)
        raise CatalogError(f"check {path} is invalid at {where}: {message}") from exc
    if check.id != path.stem:
        raise CatalogError(f"check {path}: id '{check.id}' does not match the file name")
    try:
        text = fill_remediation(check.remediation.text, check.seed_refs)
    except ValueError as exc:
        raise CatalogError(f"check {path}: {exc}") from exc
    check.remediation.text = text
    kind = REGISTRY.get(check.rule.kind)
    if kind is None:
        raise CatalogError(f"check {path}: unknown rule kind '{check.rule.kind}'")
    try:
        params = kind.params.model_validate(check.rule.params)
    except ValidationError as exc:
        where, _, message = validation_summary(exc)
        raise CatalogError(f"check {path}: rule params invalid at {where}: {message}") from exc
    if check.workload is not None:
        if isinstance(params, DataEventsParams):
            raise CatalogError(
                f"check {path}: a data_events_logged check's workload is its "
                "rule.params.resource_type; leave workload out"
            )
        if kind.scope != "account_region":
            raise CatalogError(
                f"check {path}: workload is for checks judged per account and region; rule "
                f"kind '{kind.name}' is judged per {kind.scope.replace('_', ' and ')}"
            )
    return LoadedCheck(check, kind, params, path)


def _check_references(loaded: list[LoadedCheck]) -> None:
    by_id = {item.check.id: item for item in loaded}
    for item in loaded:
        for ref, kind in item.params.references().items():
            target = by_id.get(ref)
            if target is None:
                raise CatalogError(
                    f"check {item.path}: refers to check '{ref}', which does not exist"
                )
            if target.kind.name != kind:
                raise CatalogError(
                    f"check {item.path}: refers to check '{ref}' of kind '{target.kind.name}', "
                    f"expected '{kind}'"
                )


def _check_workloads(loaded: list[LoadedCheck]) -> None:
    """Each workload type is one a data-event check judges; an alarm shares its filter's."""
    by_id = {item.check.id: item for item in loaded}
    judged = {
        item.params.resource_type for item in loaded if isinstance(item.params, DataEventsParams)
    }
    for item in loaded:
        unknown = [t for t in item.workload if t not in judged]
        if unknown:
            raise CatalogError(
                f"check {item.path}: workload {unknown} is not the resource_type of any "
                "data_events_logged check"
            )
    for item in loaded:
        for ref, kind in item.params.references().items():
            target = by_id[ref]
            if kind == "metric_filter" and target.workload != item.workload:
                raise CatalogError(
                    f"check {item.path}: its workload {list(item.workload) or 'baseline'} "
                    f"differs from that of the metric filter it builds on, '{ref}' "
                    f"({list(target.workload) or 'baseline'})"
                )


def load_catalog(directory: Path | None = None) -> Catalog:
    """Load and validate every check; ids must be unique.

    Every ``*.yaml`` under ``directory`` is a check, except a check's examples
    (``*.cases.yaml``, see :func:`cases_path`).
    """
    root = directory or checks_dir()
    paths = sorted(p for p in root.rglob("*.yaml") if not p.name.endswith(CASES_SUFFIX))
    if not paths:
        raise CatalogError(f"no checks found under {root}")
    loaded = [_load_one(p) for p in paths]
    seen: dict[str, Path] = {}
    for item in loaded:
        if item.check.id in seen:
            raise CatalogError(
                f"duplicate check id '{item.check.id}' in {item.path} and {seen[item.check.id]}"
            )
        seen[item.check.id] = item.path
    _check_references(loaded)
    _check_workloads(loaded)
    # The version names the content users see: each file, and each check as loaded, whose
    # remediation text is filled from the guide's data (guide/detection.yaml), so a change
    # there moves the version too.
    digest = hashlib.sha256()
    for path, item in zip(paths, loaded, strict=True):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
        digest.update(item.check.model_dump_json().encode())
    version = f"{aiposture.__version__}+{digest.hexdigest()[:12]}"
    return Catalog(tuple(sorted(loaded, key=lambda c: c.check.id)), version)
