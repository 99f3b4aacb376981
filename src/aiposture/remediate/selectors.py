"""Merging a trail's advanced event selectors with the ones its findings require.

``put-event-selectors`` replaces every selector of a trail, so a fix must carry all of
them. The merge keeps each existing selector as it is, replaces only values that are
wrong (a guide placeholder, another account's or region's ARN) with real ones, and adds
one selector per missing ``resources.type`` built from the guide's own selector with
real resource ids. Where an id is needed and unknown, it says which config key to set.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from aiposture.config import ResourcesConfig
from aiposture.guide import guide_selectors
from aiposture.lang.guide_placeholders import find_placeholders
from aiposture.lang.selector_issues import (
    IssueKind,
    IssueSeverity,
    SelectorIssue,
)
from aiposture.remediate.inventory_arns import Listed, listed
from aiposture.remediate.plan import SelectorChange
from aiposture.rules.data_events_logged import DataEventsParams
from aiposture.snapshot.models import Snapshot

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


_PLAIN_ARN_REST = re.compile(r"[A-Za-z0-9/._:+=,@-]+")


def plain_arn(arn: str, place: Served) -> bool:
    """Whether ``arn`` is an ARN of ``place``'s account and region made of ARN characters.

    Inventoried ARNs come from AWS: only those that pass are written into selectors (and
    so into scripts, templates and pages); the others are logged through the type's prefix.
    """
    parts = arn.split(":", 5)
    return (
        len(parts) == 6
        and parts[0] == "arn"
        and re.fullmatch(r"aws[a-z-]*", parts[1]) is not None
        and re.fullmatch(r"[a-z0-9-]+", parts[2]) is not None
        and parts[3] == place.region
        and parts[4] == place.account_id
        and _PLAIN_ARN_REST.fullmatch(parts[5]) is not None
    )


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
    """Where the real values of one ``resources.type`` come from.

    A guide placeholder that stands for resource ids is replaced, per account and region,
    by (``remediation.selector_scope = "resources"``) the configured ids and the exact ARNs
    of the inventoried resources, or by the type's account-and-region prefix (the ARN
    template up to the id, e.g. ``arn:aws:bedrock:us-east-1:111122223333:agent-alias/``)
    where nothing is inventoried, nothing can be listed, or the scope is ``type``. The
    prefix is a real value (it matches exactly the resources of that account, region and
    type), never a guess. Only a snapshot without an inventory and no configured ids
    leaves the values unknown (``unknown_resource_ids = "ask"``).
    """

    params: DataEventsParams
    resources: dict[str, ResourcesConfig]
    """The resources configuration of each served account."""
    partition: str
    account_wide: bool = False
    """Log every resource of the type in the account when its ids are unknown."""
    scope: Literal["resources", "type"] = "resources"
    """``remediation.selector_scope``."""
    snapshot: Snapshot | None = None
    """The snapshot whose inventory names the resources (``None``: no inventory)."""

    def for_field(
        self, field_name: str, guide_values: Sequence[str], served: Sequence[Served]
    ) -> tuple[list[str], Needs | None]:
        """Real values for ``field_name`` replacing ``guide_values``, for every served place."""
        values, needs, _ = self.resolve(field_name, guide_values, served)
        return values, needs

    def resolve(
        self, field_name: str, guide_values: Sequence[str], served: Sequence[Served]
    ) -> tuple[list[str], Needs | None, list[str]]:
        """As :meth:`for_field`, with a sentence per place saying where the values came from."""
        p = self.params
        out: list[str] = []
        how: list[str] = []
        id_field = "userIdentity.arn" if p.id_source == "execution_roles" else "resources.ARN"
        for place in served:
            res = self.resources[place.account_id]
            if p.id_source != "ids" and field_name == id_field:
                # Prefixes and role names always come from the configuration (which
                # defaults to the guide's), never from the text being replaced.
                got = self._configured(field_name, place, res)
                if got is None:
                    got, said = self._fallback(field_name, place, [])
                    if got is None:
                        return (
                            [],
                            Needs(
                                f'accounts."{place.account_id}".resources.{p.id_source}',
                                p.resource_type,
                                f"no {p.id_source.replace('_', ' ')} are configured for "
                                f"account {place.account_id}",
                            ),
                            how,
                        )
                    how.append(said)
                out.extend(got)
                continue
            for value in guide_values:
                holes = set(find_placeholders(value)) - _FILLABLE
                if not holes:
                    out.append(self._fill(value, place))
                    continue
                got, said = self._real_ids(field_name, place, res)
                if got is None:
                    return (
                        [],
                        Needs(
                            ids_config_key(place.account_id, p.resource_type),
                            p.resource_type,
                            f"the ids of the {p.resource_type} resources to log in account "
                            f"{place.account_id} are not known (the snapshot has no "
                            f"inventory of {place.region})",
                        ),
                        how,
                    )
                how.append(said)
                out.extend(got)
        return list(dict.fromkeys(out)), None, list(dict.fromkeys(how))

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

    def _template(self, field_name: str) -> str | None:
        p = self.params
        return p.user_arn_template if field_name == "userIdentity.arn" else p.arn_template

    def prefix(self, field_name: str, place: Served) -> str | None:
        """The type's account-and-region prefix: the ARN template up to the id."""
        template = self._template(field_name)
        if template is None or "{id}" not in template:
            return None
        return self._render(template.split("{id}")[0] + "{id}", place, "")

    def _configured(self, field_name: str, place: Served, res: ResourcesConfig) -> list[str] | None:
        p = self.params
        template = self._template(field_name)
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
        if not ids:
            return None
        if p.id_source in ("s3_bucket_prefixes", "lambda_function_prefixes"):
            prefix = self._render(template.split("{id}")[0] + "{id}", place, "")
            return [prefix + i for i in ids]
        return [self._render(template, place, i) for i in ids]

    def _listed(self, field_name: str, place: Served) -> Listed:
        if self.snapshot is None:
            return Listed(False, None, "no snapshot")
        found = listed(self.snapshot, place.account_id, place.region, self.params.resource_type)
        if field_name != "resources.ARN":
            return Listed(
                found.read, None, f"no API lists the roles of {self.params.resource_type}"
            )
        return found

    def _fallback(
        self, field_name: str, place: Served, extra: Sequence[str]
    ) -> tuple[list[str] | None, str]:
        """The type's prefix (plus ``extra`` values it does not cover), when allowed."""
        found = self._listed(field_name, place)
        prefix = self.prefix(field_name, place)
        if prefix is None or not (found.read or self.account_wide or self.scope == "type"):
            return None, ""
        outside = [v for v in extra if not v.startswith(prefix)]
        if field_name == "userIdentity.arn":
            return [prefix, *outside], (
                f"{place.account_id}: every assumed-role session of the account (no Bedrock "
                "execution role names are configured: "
                f'accounts."{place.account_id}".resources.bedrock_execution_role_names)'
            )
        if self.scope == "type":
            why = "remediation.selector_scope is type"
        elif found.arns is not None:
            why = f"no {self.params.resource_type} resource is inventoried"
        elif found.read:
            why = found.why_incomplete
        else:
            why = 'remediation.unknown_resource_ids is "account-wide"'
        return [prefix, *outside], f"{place.account_id}/{place.region}: every resource ({why})"

    def _real_ids(
        self, field_name: str, place: Served, res: ResourcesConfig
    ) -> tuple[list[str] | None, str]:
        """The values standing for the resource ids of ``place``, and where they came from."""
        configured = self._configured(field_name, place, res) or []
        found = self._listed(field_name, place)
        inventoried = list(found.arns or ())
        odd = [a for a in inventoried if not plain_arn(a, place)]
        if odd:
            # An ARN from AWS that is not a plain ARN of this account and region is not
            # written into any output: the type's prefix logs it (and everything else).
            prefix = self.prefix(field_name, place)
            if prefix is not None:
                return (
                    [prefix, *configured],
                    f"{place.account_id}/{place.region}: every resource ({len(odd)} "
                    "inventoried ARN(s) are not plain ARNs of the account and region)",
                )
        if self.scope == "type":
            return self._fallback(field_name, place, [*configured, *inventoried])
        if configured or inventoried:
            parts = []
            if configured:
                parts.append(f"{len(configured)} configured")
            if inventoried:
                parts.append(f"{len(inventoried)} inventoried")
            return (
                list(dict.fromkeys([*configured, *inventoried])),
                f"{place.account_id}/{place.region}: the ARNs of the "
                + " and ".join(parts)
                + " resource(s)",
            )
        return self._fallback(field_name, place, [])


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
    how: list[str] = []
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
            real, needs, said = values.resolve(name, broken, served)
            if needs is not None:
                return None, needs, why
            how += said
            f[op] = list(dict.fromkeys([*kept, *real]))
    if how:
        why += "; now logs " + "; ".join(dict.fromkeys(how))
    return out, None, why


def new_selector(
    template: dict[str, Any], values: Values | None, served: Sequence[Served]
) -> tuple[dict[str, Any] | None, Needs | None, list[str]]:
    """A selector from the guide's ``template`` with every placeholder replaced by real values.

    Returns (selector, what is missing, where the values came from per place).
    """
    out = copy.deepcopy(template)
    how: list[str] = []
    for f in out["FieldSelectors"]:
        for op in [k for k in f if k != "Field"]:
            if not any(find_placeholders(v) for v in f[op]):
                continue
            if values is None:
                return None, None, how
            real, needs, said = values.resolve(f["Field"], f[op], served)
            if needs is not None:
                return None, needs, how
            how += said
            f[op] = real
    return out, None, list(dict.fromkeys(how))


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
