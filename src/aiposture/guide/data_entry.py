"""Reading the guides' YAML data files: each mapping checked key by key, problems located.

:func:`read_data_file` loads a data file shipped in a package; :class:`DataEntry` wraps one
of its mappings, and each accessor checks the value it returns. A file that does not hold
what its reader expects raises :class:`GuideDataError` naming the file and the place
(``queries[5].mantle_aware[0].old``): a packaging bug, caught when the module loads.
"""

from __future__ import annotations

from importlib import resources
from typing import NoReturn

import yaml

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]
SAFE_LOADER = SafeLoader
"""PyYAML's safe loader, libyaml's C one where PyYAML has it (about ten times faster)."""


class GuideDataError(ValueError):
    """A guide data file that does not hold what its reader expects."""


class DataEntry:
    """One mapping of a data file with the keys ``required`` (and ``optional``) only.

    Keys are given as space-separated words; ``where`` names the mapping in messages.
    """

    def __init__(
        self, data: object, where: str, required: str, optional: str = "", *, source: str
    ) -> None:
        self.source = source
        """The data file, as messages name it."""
        self.where = where
        """Where the mapping sits in the file (``.queries[5]``; empty for the whole file)."""
        if not isinstance(data, dict):
            self.fail("is not a mapping")
        if missing := set(required.split()) - set(data):
            self.fail(f"lacks {', '.join(sorted(missing))}")
        if unknown := set(data) - set(required.split()) - set(optional.split()):
            self.fail(f"has unknown keys {sorted(map(str, unknown))}")
        self.data: dict[str, object] = data
        """The mapping as loaded."""

    def fail(self, problem: str, at: str = "") -> NoReturn:
        """Raise :class:`GuideDataError`: the mapping (or ``at`` within it) has ``problem``."""
        place = f"{self.where}{at}".lstrip(".") or "the file"
        raise GuideDataError(f"{self.source}: {place} {problem}")

    def child(self, value: object, at: str, required: str, optional: str = "") -> DataEntry:
        """``value``, found at ``at`` within this mapping, read as a mapping of its own."""
        return DataEntry(value, f"{self.where}{at}", required, optional, source=self.source)

    def has(self, key: str) -> bool:
        """Whether the optional ``key`` is present."""
        return key in self.data

    def text(self, key: str) -> str:
        """The non-empty string at ``key``."""
        value = self.data[key]
        if not isinstance(value, str) or not value:
            self.fail("is not a non-empty string", f".{key}")
        return value

    def number(self, key: str) -> int:
        """The integer (not a bool) at ``key``."""
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail("is not an integer", f".{key}")
        return value

    def items(self, key: str) -> list[object]:
        """The non-empty list at ``key``."""
        value = self.data[key]
        if not isinstance(value, list) or not value:
            self.fail("is not a non-empty list", f".{key}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        """The non-empty list of non-empty strings at ``key``."""
        values = self.items(key)
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value:
                self.fail("is not a non-empty string", f".{key}[{i}]")
        return tuple(str(v) for v in values)

    def entries(self, key: str, required: str, optional: str = "") -> list[DataEntry]:
        """The list at ``key``, each item read as a mapping with these keys."""
        return [
            self.child(value, f".{key}[{i}]", required, optional)
            for i, value in enumerate(self.items(key))
        ]

    def numbered(self, key: str, required: str, optional: str = "") -> list[DataEntry]:
        """:meth:`entries` whose ``number`` keys run 1, 2, ... in order."""
        entries = self.entries(key, f"number {required}", optional)
        for i, entry in enumerate(entries, 1):
            if entry.number("number") != i:
                entry.fail(f"is not number {i}")
        return entries


def read_data_file(package: str, name: str, required: str) -> DataEntry:
    """The data file ``name`` shipped in ``package``: a mapping with the keys ``required``."""
    text = resources.files(package).joinpath(name).read_text("utf-8")
    source = f"{package.replace('.', '/')}/{name}"
    data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    return DataEntry(data, "", required, source=source)
