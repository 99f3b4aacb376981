"""Evidence models (what was read from AWS) and their JSON form."""

from aiposture.snapshot.io import dump_snapshot, load_snapshot, snapshot_sha256
from aiposture.snapshot.models import (
    SCHEMA_VERSION,
    AccountSnapshot,
    CallerIdentity,
    CallError,
    EventSelectors,
    InvocationLogging,
    LogGroup,
    OrganizationInfo,
    RegionSnapshot,
    Snapshot,
    ToolInfo,
    Trail,
    TrailStatus,
)

__all__ = [
    "SCHEMA_VERSION",
    "AccountSnapshot",
    "CallError",
    "CallerIdentity",
    "EventSelectors",
    "InvocationLogging",
    "LogGroup",
    "OrganizationInfo",
    "RegionSnapshot",
    "Snapshot",
    "ToolInfo",
    "Trail",
    "TrailStatus",
    "dump_snapshot",
    "load_snapshot",
    "snapshot_sha256",
]
