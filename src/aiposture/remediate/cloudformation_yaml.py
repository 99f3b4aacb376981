r"""CloudFormation templates as YAML in which every value read from AWS stays data.

- The YAML is written by a safe dumper (no tag, no anchor, no intrinsic function, no
  ``Fn::Sub``), so quotes, ``$``, backslashes and ``${`` stay inert; a string holding a
  character YAML would rewrite (U+0085 NEL, U+2028, U+2029, U+FEFF, C0/C1 controls, any
  non-printable) is written double-quoted with escapes, so it loads back exactly.
- CloudFormation resolves a *dynamic reference* (``{{resolve:service:key}}``) in any
  resource property, and it does so on the final string, AFTER intrinsic functions: the
  Secrets Manager guide builds one with ``Fn::Join`` (``['{{resolve:secretsmanager:',
  !Ref MyRDSSecret, ':SecretString:username}}']``), see "Get an AWS Secrets Manager
  secret in an AWS CloudFormation resource",
  https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html
  and "Get values stored in other services using dynamic references",
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html .
  So neither ``Fn::Join`` nor ``Fn::Sub`` can keep ``{{resolve:`` literal, and no escape
  exists. What this module does instead (:func:`json_text`, :func:`_hazards`):

  * a property that is JSON text (dashboard body, Contributor Insights rule body) writes
    every ``{`` that is followed by ``{`` as the JSON escape ``\u007b``: the template holds
    no ``{{`` and the service parses back exactly the value read;
  * any other property value holding ``{{``, or a mapping key CloudFormation would take
    for an intrinsic function (``Ref``, ``Condition``, ``Fn::...``), cannot be written
    exactly: the resource (and whatever depends on it) is left out of the templates
    (:func:`not_inert`) and named under ``Metadata.aiposture.NotExpressed`` with the
    value's path, to apply with the script or Terraform;
  * ``Metadata`` text is documentation: ``{{`` there is written ``{ {`` (a note in the
    template says so) and a mapping with an intrinsic-looking key is written as JSON text.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

__all__ = ["dump_template", "json_text", "not_inert"]


class _Dumper(yaml.SafeDumper):
    """``yaml.SafeDumper`` without anchors and aliases (CloudFormation rejects aliases).

    A string with any character that is not printable (:meth:`str.isprintable`: C0 and C1
    controls, U+0085 NEL, U+2028, U+2029, U+FEFF, other format characters) is written
    double-quoted, where YAML escapes every such character. Left to PyYAML's choice of
    style, U+0085 goes into a single-quoted scalar, where YAML reads it as a line break and
    folds it into a space: the template would no longer hold the value read.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = None if data.isprintable() else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)

# "{{" opens a CloudFormation dynamic reference ("{{resolve:service:key}}"). Any "{{" is
# treated as one: the documented pattern is all CloudFormation states about its parsing.
_DYNAMIC_OPEN = re.compile(r"\{(?=\{)")
_INTRINSIC_KEYS = frozenset({"Ref", "Condition"})


def _intrinsic_key(key: object) -> bool:
    """A mapping key CloudFormation reads as an intrinsic function (or a condition)."""
    return isinstance(key, str) and (key in _INTRINSIC_KEYS or key.startswith("Fn::"))


def json_text(value: Any) -> str:
    r"""``value`` as JSON text for a string property, holding no ``{{``.

    Every ``{`` followed by ``{`` can only be inside a JSON string (an object opens with
    ``{"`` or ``{}``), so it is written as the JSON escape ``\u007b``: CloudFormation
    sees no dynamic reference and the service parses back exactly ``value``.
    """
    return _DYNAMIC_OPEN.sub(r"\\u007b", json.dumps(value, sort_keys=False))


def _hazards(value: Any, path: str) -> list[str]:
    """Where ``value`` holds what CloudFormation would not keep as it is (paths, reasons)."""
    found: list[str] = []
    if isinstance(value, str):
        if "{{" in value:
            found.append(f"{path} holds two '{{' in a row (a dynamic reference opens so)")
    elif isinstance(value, dict):
        for key, item in value.items():
            if _intrinsic_key(key):
                found.append(f"{path} has the key {key!r} (intrinsic function syntax)")
            elif isinstance(key, str) and "{{" in key:
                found.append(f"{path} has a key holding two '{{' in a row (dynamic reference)")
            found += _hazards(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _hazards(item, f"{path}[{index}]")
    return found


def _inert_text(text: str) -> str:
    return _DYNAMIC_OPEN.sub("{ ", text)


def _inert_metadata(value: Any) -> Any:
    """Metadata (documentation) with no ``{{`` and no intrinsic-looking key.

    ``{{`` becomes ``{ {``; a mapping with a key CloudFormation would read as an intrinsic
    function (resource Metadata is evaluated, as ``AWS::CloudFormation::Init`` shows) is
    written as its JSON text instead.
    """
    if isinstance(value, str):
        return _inert_text(value)
    if isinstance(value, dict):
        if any(_intrinsic_key(k) for k in value):
            return _inert_text(json.dumps(value, sort_keys=False, default=str))
        return {_inert_text(str(k)): _inert_metadata(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_inert_metadata(v) for v in value]
    return value


def _has_sub_syntax(value: Any) -> bool:
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, dict):
        return any(_has_sub_syntax(k) or _has_sub_syntax(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_sub_syntax(v) for v in value)
    return False


def dump_template(template: dict[str, Any]) -> str:
    """The template as YAML; a value holding ``${`` stays literal, and cfn-lint is told so.

    Outside ``Fn::Sub`` CloudFormation never substitutes ``${...}``; cfn-lint's E1029 still
    guesses a forgotten ``Fn::Sub``. A value read from AWS is data, so when one holds ``${``
    the template keeps it exactly and says, in its cfn-lint configuration, why E1029 is off.
    Metadata and the description go through :func:`_inert_metadata` first.
    """
    _make_inert(template)
    if _has_sub_syntax(template.get("Resources")) or _has_sub_syntax(template.get("Metadata")):
        metadata = template.setdefault("Metadata", {})
        metadata["cfn-lint"] = {"config": {"ignore_checks": ["E1029"]}}
        metadata["aiposture"]["LintNote"] = (
            "Some values read from AWS hold '${'. They are data: CloudFormation substitutes "
            "only inside Fn::Sub, which this template never uses, so cfn-lint's E1029 "
            "(a guessed missing Fn::Sub) is turned off for this template."
        )
    return yaml.dump(
        template,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def _make_inert(template: dict[str, Any]) -> None:
    """Neutralise the template's documentation in place; say so when anything changed.

    The documentation: the template's Metadata and description, the resources' Metadata.
    """
    changed = False
    for holder, key in [
        (template, "Description"),
        (template, "Metadata"),
        *((r, "Metadata") for r in template.get("Resources", {}).values()),
    ]:
        if key in holder:
            inert = _inert_metadata(holder[key])
            changed = changed or inert != holder[key]
            holder[key] = inert
    if changed:
        template["Metadata"]["aiposture"]["InertNote"] = (
            "Some text read from AWS held two opening braces in a row, which open a "
            "CloudFormation dynamic reference: in this Metadata a space is written between "
            "them, and a mapping with a key like 'Ref' or 'Fn::...' is written as JSON text."
        )


def not_inert(resources: dict[str, Any], imports: dict[str, Any]) -> dict[str, list[str]]:
    """The logical ids to leave out of the templates, each with why.

    Why: a property CloudFormation would not keep as it is (:func:`_hazards`), in either
    template, or a dependency that is left out.
    """
    out: dict[str, list[str]] = {}
    for lid, resource in resources.items():
        found = _hazards(resource.get("Properties"), "Properties")
        if lid in imports:
            found += [
                f"{h} (as read, in the import template)"
                for h in _hazards(imports[lid].get("Properties"), "Properties")
            ]
        if found:
            out[lid] = found
    while True:
        more = {
            lid: [f"it depends on {dep}, which is left out"]
            for lid, resource in resources.items()
            if lid not in out
            for dep in resource.get("DependsOn", [])
            if dep in out
        }
        if not more:
            return out
        out.update(more)
