"""Merging a trail's advanced event selectors with the ones its findings require.

``put-event-selectors`` replaces every selector of a trail, so a fix must carry all of
them. The merge keeps each existing selector as it is, replaces only values that are
wrong (a guide placeholder, another account's or region's ARN) with real ones, and adds
one selector per missing ``resources.type`` built from the guide's own selector with
real resource ids. Where an id is needed and unknown, it says which config key to set.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiposture.config import ResourcesConfig
from aiposture.guide import guide_selectors
from aiposture.lang.guide_placeholders import find_placeholders
from aiposture.lang.selector_issues import (
    IssueKind,
    IssueSeverity,
    SelectorIssue,
)
from aiposture.remediate.plan import SelectorChange
from aiposture.rules.data_events_logged import DataEventsParams

MAX_VALUES = 500
"""CloudTrail's limit on the values of all advanced selectors of one trail."""

_WRONG = {IssueKind.PLACEHOLDER, IssueKind.FOREIGN_ACCOUNT, IssueKind.FOREIGN_REGION}
_GROUPS = ("bedrock", "agentcore", "mantle", "s3", "lambda")
_FILLABLE = {"ACCOUNT_ID", "REGION"}
"""Placeholders the plan always knows: the account and region it is written for."""

MANAGEMENT_ALL: dict[str, Any] = {
    "Name": "Management events selector",
    "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
}


def ids_config_key(account_id: str, resource_type: str) -> str:
    """The config key that lists the resource ids of ``resource_type`` for ``account_id``."""
    return f'accounts."{account_id}".resources.ids."{resource_type}"'


@dataclass(frozen=True)
class Served:
    """An account and region a trail's selectors are written for."""

    account_id: str
    region: str


@dataclass
class Needs:
    """Values the merge could not fill: the config key and what for."""

    config_key: str
    resource_type: str
    why: str


@dataclass
class MergeResult:
    """The merged selector list and how it was reached."""

    after: list[dict[str, Any]]
    changes: list[SelectorChange]
    fixed_types: set[str] = field(default_factory=set)
    """``resources.type`` values now selected with real values (added or repaired)."""
    needs: list[Needs] = field(default_factory=list)
    over_limit: int | None = None
    """The value count when the merge breaks the 500-value limit."""


def guide_template(resource_type: str) -> dict[str, Any] | None:
    """The guide's selector for ``resource_type`` (one type per selector), placeholders kept."""
    for group in _GROUPS:
        for selector in guide_selectors(group):
            types = _types(selector)
            if resource_type in types:
                out = copy.deepcopy(selector)
                for f in out["FieldSelectors"]:
                    if f["Field"] == "resources.type":
                        f["Equals"] = [resource_type]
                if len(types) > 1:
                    out["Name"] = (
                        f"{resource_type.replace('AWS::', '').replace('::', '-')}-DataEvents"
                    )
                return out
    return None


def network_template(event_source: str) -> dict[str, Any] | None:
    """The guide's network activity selector for ``event_source``."""
    for selector in guide_selectors("network"):
        for f in selector["FieldSelectors"]:
            if f["Field"] == "eventSource" and event_source in f.get("Equals", []):
                out: dict[str, Any] = copy.deepcopy(selector)
                return out
    return None


def _types(selector: dict[str, Any]) -> list[str]:
    for f in selector.get("FieldSelectors", []):
        if f.get("Field") == "resources.type":
            return list(f.get("Equals", []))
    return []


@dataclass(frozen=True)
class Values:
    """Where the real values of one ``resources.type`` come from."""

    params: DataEventsParams
    resources: dict[str, ResourcesConfig]
    """The resources configuration of each served account."""
    partition: str
    account_wide: bool = False
    """Log every resource of the type in the account when its ids are unknown."""

    def for_field(
        self, field_name: str, guide_values: Sequence[str], served: Sequence[Served]
    ) -> tuple[list[str], Needs | None]:
        """Real values for ``field_name`` replacing ``guide_values``, for every served place."""
        p = self.params
        out: list[str] = []
        id_field = "userIdentity.arn" if p.id_source == "execution_roles" else "resources.ARN"
        for place in served:
            res = self.resources[place.account_id]
            if p.id_source != "ids" and field_name == id_field:
                # Prefixes and role names always come from the configuration (which
                # defaults to the guide's), never from the text being replaced.
                got = self._ids(field_name, place, res)
                if got is None:
                    return [], Needs(
                        f'accounts."{place.account_id}".resources.{p.id_source}',
                        p.resource_type,
                        f"no {p.id_source.replace('_', ' ')} are configured for account "
                        f"{place.account_id}",
                    )
                out.extend(got)
                continue
            for value in guide_values:
                holes = set(find_placeholders(value)) - _FILLABLE
                if not holes:
                    out.append(self._fill(value, place))
                    continue
                got = self._ids(field_name, place, res)
                if got is None:
                    return [], Needs(
                        ids_config_key(place.account_id, p.resource_type),
                        p.resource_type,
                        f"the ids of the {p.resource_type} resources to log in account "
                        f"{place.account_id} are not known",
                    )
                out.extend(got)
        return list(dict.fromkeys(out)), None

    def _fill(self, value: str, place: Served) -> str:
        return (
            value.replace("ACCOUNT_ID", place.account_id)
            .replace("REGION", place.region)
            .replace("arn:aws:", f"arn:{self.partition}:")
        )

    def _render(self, template: str, place: Served, resource_id: str) -> str:
        return template.format(
            partition=self.partition, region=place.region, account=place.account_id, id=resource_id
        )

    def _ids(self, field_name: str, place: Served, res: ResourcesConfig) -> list[str] | None:
        p = self.params
        template = p.user_arn_template if field_name == "userIdentity.arn" else p.arn_template
        if template is None:
            return None
        if p.id_source == "s3_bucket_prefixes":
            ids = list(res.s3_bucket_prefixes)
        elif p.id_source == "lambda_function_prefixes":
            ids = list(res.lambda_function_prefixes)
        elif p.id_source == "execution_roles":
            ids = list(res.bedrock_execution_role_names)
        else:
            ids = list(res.ids.get(p.resource_type, []))
        if ids:
            if p.id_source in ("s3_bucket_prefixes", "lambda_function_prefixes"):
                prefix = self._render(template.split("{id}")[0] + "{id}", place, "")
                return [prefix + i for i in ids]
            return [self._render(template, place, i) for i in ids]
        if self.account_wide and "{id}" in template:
            return [self._render(template.split("{id}")[0] + "{id}", place, "")]
        return None


def repair(
    selector: dict[str, Any],
    issues: Iterable[SelectorIssue],
    values: Values | None,
    served: Sequence[Served],
) -> tuple[dict[str, Any] | None, Needs | None, str]:
    """``selector`` with its wrong values replaced by real ones; ``None`` when nothing to do.

    Returns (repaired selector, what is missing, why it was wrong).
    """
    wrong = [i for i in issues if i.kind in _WRONG and i.severity == IssueSeverity.ERROR]
    if not wrong:
        return None, None, ""
    why = "; ".join(dict.fromkeys(i.message for i in wrong))
    bad = {(i.field, i.value) for i in wrong}
    out = copy.deepcopy(selector)
    for f in out["FieldSelectors"]:
        name = f.get("Field")
        for op in [k for k in f if k != "Field"]:
            old = list(f[op])
            broken = [v for v in old if (name, v) in bad or (None, v) in bad]
            if not broken:
                continue
            kept = [v for v in old if v not in broken]
            if values is None:
                return None, None, why
            real, needs = values.for_field(name, broken, served)
            if needs is not None:
                return None, needs, why
            f[op] = list(dict.fromkeys([*kept, *real]))
    return out, None, why


def new_selector(
    template: dict[str, Any], values: Values | None, served: Sequence[Served]
) -> tuple[dict[str, Any] | None, Needs | None]:
    """A selector from the guide's ``template`` with every placeholder replaced by real values."""
    out = copy.deepcopy(template)
    for f in out["FieldSelectors"]:
        for op in [k for k in f if k != "Field"]:
            if not any(find_placeholders(v) for v in f[op]):
                continue
            if values is None:
                return None, None
            real, needs = values.for_field(f["Field"], f[op], served)
            if needs is not None:
                return None, needs
            f[op] = real
    return out, None


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``... when already taken."""
    if name not in taken:
        return name
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


def management_additions(selectors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Selectors that, added, make the list log every management event (never narrowing).

    A trail with only write (or only read) management events gets the other half, so the
    OR of its selectors covers both; a trail with none gets the console's default.
    """
    halves: set[str] = set()
    for selector in selectors:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors", [])}
        category = fields.get("eventCategory", {})
        if "Management" not in category.get("Equals", []):
            continue
        extra = set(fields) - {"eventCategory", "readOnly", "eventSource"}
        source = fields.get("eventSource")
        if extra or (source and set(source) - {"Field", "NotEquals"}):
            continue
        read_only = fields.get("readOnly", {}).get("Equals")
        if read_only is None:
            return []
        halves.update(read_only)
    if not halves:
        return [copy.deepcopy(MANAGEMENT_ALL)]
    missing = {"true", "false"} - halves
    return [
        {
            "Name": "Management read events" if value == "true" else "Management write events",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": [value]},
            ],
        }
        for value in sorted(missing)
    ]


def has_one_type_each(selectors: Sequence[dict[str, Any]]) -> bool:
    """True when no selector names more than one ``resources.type`` value."""
    return all(len(_types(s)) <= 1 for s in selectors)
