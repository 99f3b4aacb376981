"""AWS account ids: the one shape every file aiposture loads must give them.

An account id names folders and files of the outputs (``remediate`` writes one folder per
account), so an id read from a snapshot, checkpoint or results file that is not exactly
twelve digits (``../../x``, ``/abs/path``) is refused when the file is loaded, before any
path is built from it.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import StringConstraints

ACCOUNT_ID_PATTERN = r"^[0-9]{12}$"
"""Exactly twelve ASCII digits (pydantic's regex engine: ``$`` is the very end)."""

ACCOUNT_ID_RE = re.compile(ACCOUNT_ID_PATTERN)
"""The same shape for Python code; use :func:`re.fullmatch`, because Python's ``$`` also
matches before a final newline."""

AccountId = Annotated[str, StringConstraints(pattern=ACCOUNT_ID_PATTERN)]
"""A field type that accepts only an AWS account id."""
