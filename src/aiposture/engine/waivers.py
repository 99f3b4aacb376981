"""Waivers: accepted risks, each with an owner, a justification and an expiry.

A waivers file is YAML::

    waivers:
      - id: W-001
        check: cloudtrail-multi-region       # a check id, or a seed_ref such as "Query 3"
        account: "111122223333"              # optional: any account
        region: us-east-1                    # optional: any region (glob allowed)
        resource: "arn:aws:cloudtrail:*"     # optional: any resource (glob)
        owner: security@example.com
        justification: Replaced by the organization trail (ticket SEC-42).
        expires: 2027-03-31

:func:`apply_waivers` is pure: a FAIL matched by a waiver in force becomes WAIVED; an
ERROR is never waived (an unverified control stays visible); expired waivers waive nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aiposture.documents import guard_depth, read_utf8
from aiposture.engine.scoring import score
from aiposture.errors import WaiverError
from aiposture.outputs_guard import note_input
from aiposture.results import (
    Result,
    Results,
    Status,
    WaiverRecord,
    WaiverRef,
    WaiverStatus,
)

__all__ = ["Waiver", "apply_waivers", "load_waivers", "parse_waivers"]


class Waiver(BaseModel):
    """One waiver of the waivers file.

    ``account``, ``region`` and ``resource`` are glob patterns (:func:`fnmatch.fnmatchcase`);
    left out, they match anything. A result without a region or resource ARN is matched
    only by a waiver that leaves that field out.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    check: str = Field(min_length=1)
    account: str | None = None
    region: str | None = None
    resource: str | None = None
    owner: str = Field(min_length=1)
    justification: str = Field(min_length=1)
    expires: date

    @field_validator("id", "check", "owner", "justification", "region", "resource", mode="before")
    @classmethod
    def _strings_only(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise ValueError("must be a string")
        if isinstance(value, str) and not value.strip():
            raise ValueError("must not be empty")
        return value.strip() if isinstance(value, str) else value

    @field_validator("account", mode="before")
    @classmethod
    def _account_id(cls, value: Any) -> Any:
        # YAML reads an unquoted 111122223333 as an int; accept it when it is 12 digits.
        if isinstance(value, int) and not isinstance(value, bool) and len(str(value)) == 12:
            return str(value)
        if value is not None and not isinstance(value, str):
            raise ValueError("must be a quoted 12-digit account id or pattern")
        return value

    @field_validator("expires", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError("must be a date YYYY-MM-DD")

    def in_force(self, today: date) -> bool:
        """True until the end of the expiry day."""
        return today <= self.expires

    def matches(self, result: Result) -> bool:
        """True when this waiver's check, account, region and resource all match ``result``."""
        if self.check != result.check_id and self.check not in result.seed_refs:
            return False
        for pattern, value in (
            (self.account, result.account_id),
            (self.region, result.region),
            (self.resource, result.resource_arn),
        ):
            if pattern is None:
                continue
            if value is None or not fnmatchcase(value, pattern):
                return False
        return True

    def match_fields(self) -> dict[str, str | None]:
        """What the waiver matches on, for :class:`WaiverRecord`."""
        return {
            "check": self.check,
            "account": self.account,
            "region": self.region,
            "resource": self.resource,
        }


class _Loader(yaml.SafeLoader):
    """Safe YAML, with dates left as text: a bad date is then a waiver error, not a crash."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),  # type: ignore[arg-type]
)


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    kind = str(first["type"])
    if kind == "missing":
        return f"missing required field '{loc}'"
    if kind == "extra_forbidden":
        return f"unknown key '{loc}'"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"invalid '{loc}': {message}" if loc else message


def parse_waivers(
    data: Any, source: str = "waivers", known_checks: Iterable[str] | None = None
) -> list[Waiver]:
    """Validate parsed waivers data; the first problem raises one-line :class:`WaiverError`.

    ``known_checks`` (check ids and seed_refs) rejects a ``check`` that names neither.
    """
    if data is None:
        return []
    if not isinstance(data, dict):
        raise WaiverError(f"{source}: the top level must be a mapping with a 'waivers' list")
    extra = sorted(str(k) for k in data if k != "waivers")
    if extra:
        raise WaiverError(f"{source}: unknown key '{extra[0]}' (only 'waivers' is allowed)")
    items = data.get("waivers")
    if items is None:
        return []
    if not isinstance(items, list):
        raise WaiverError(f"{source}: 'waivers' must be a list")
    known = set(known_checks) if known_checks is not None else None
    waivers: list[Waiver] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        raw_id = item.get("id") if isinstance(item, dict) else None
        where = f"{source}: waiver #{index + 1}" + (
            f" (id {str(raw_id)!r})" if isinstance(raw_id, str | int) else ""
        )
        if not isinstance(item, dict):
            raise WaiverError(f"{where}: must be a mapping")
        try:
            waiver = Waiver.model_validate(item)
        except ValidationError as exc:
            raise WaiverError(f"{where}: {_problem(exc)}") from exc
        if waiver.id in seen:
            raise WaiverError(f"{where}: duplicate id, already used by waiver #{seen[waiver.id]}")
        seen[waiver.id] = index + 1
        if known is not None and waiver.check not in known:
            raise WaiverError(
                f"{where}: check {waiver.check!r} is neither a check id nor a seed_ref "
                "(see `aiposture checks list`)"
            )
        waivers.append(waiver)
    return waivers


def load_waivers(path: Path, known_checks: Iterable[str] | None = None) -> list[Waiver]:
    """Read and validate a waivers file; any problem raises one-line :class:`WaiverError`.

    An empty file is refused (``waivers: []`` says "no waivers" on purpose), and so is
    every bad input :mod:`aiposture.documents` names (not UTF-8, nested too deep, a lone
    surrogate).
    """
    note_input("waivers", path)
    text = read_utf8(path, "waivers", WaiverError)
    try:
        data = guard_depth(
            lambda: yaml.load(text, Loader=_Loader),  # noqa: S506 - a SafeLoader subclass
            path,
            "waivers",
            WaiverError,
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None)
        raise WaiverError(
            f"waivers {path} is not valid YAML{where}" + (f": {problem}" if problem else "")
        ) from exc
    if data is None:  # an empty file (or only comments) is far more likely a mistake
        raise WaiverError(
            f"waivers {path} is empty; for no waivers write 'waivers: []', or leave out --waivers"
        )
    return parse_waivers(data, source=f"waivers {path}", known_checks=known_checks)


def _unwaived(result: Result) -> Result:
    """A result as it was before any earlier waiver (so waivers can be re-applied)."""
    if result.status == Status.WAIVED:
        return result.model_copy(update={"status": Status.FAIL, "waiver": None})
    return result


def apply_waivers(results: Results, waivers: list[Waiver], today: date) -> Results:
    """Apply ``waivers`` to ``results`` as of ``today``; return new Results with new scores.

    - a FAIL matched by a waiver in force becomes WAIVED, with ``Result.waiver`` set (the
      first matching waiver in file order wins);
    - an ERROR is never waived: each in-force waiver that matches one counts it in
      ``errors_not_waived``;
    - PASS and NOT_APPLICABLE are left alone;
    - an expired waiver (``expires`` before ``today``) waives nothing and is EXPIRED;
    - an in-force waiver that waived nothing is UNMATCHED, APPLIED otherwise.

    Every waiver appears in ``Results.waivers``; earlier waivers (a results file that was
    already waived) are replaced. Scores are recomputed: WAIVED is left out of them.
    """
    in_force = [w for w in waivers if w.in_force(today)]
    matched = {w.id: 0 for w in waivers}
    errors = {w.id: 0 for w in waivers}
    out: list[Result] = []
    for original in results.results:
        result = _unwaived(original)
        if result.status == Status.FAIL:
            waiver = next((w for w in in_force if w.matches(result)), None)
            if waiver is not None:
                matched[waiver.id] += 1
                result = result.model_copy(
                    update={
                        "status": Status.WAIVED,
                        "waiver": WaiverRef(
                            id=waiver.id,
                            owner=waiver.owner,
                            justification=waiver.justification,
                            expires=waiver.expires,
                        ),
                    }
                )
        elif result.status == Status.ERROR:
            for waiver in in_force:
                if waiver.matches(result):
                    errors[waiver.id] += 1
        out.append(result)
    records = []
    for w in waivers:
        if not w.in_force(today):
            status = WaiverStatus.EXPIRED
        elif matched[w.id]:
            status = WaiverStatus.APPLIED
        else:
            status = WaiverStatus.UNMATCHED
        records.append(
            WaiverRecord(
                id=w.id,
                owner=w.owner,
                justification=w.justification,
                expires=w.expires,
                match=w.match_fields(),
                status=status,
                matched=matched[w.id],
                errors_not_waived=errors[w.id],
            )
        )
    scores = score(out, results.scores.not_assessed)
    return results.model_copy(update={"results": out, "scores": scores, "waivers": records})
