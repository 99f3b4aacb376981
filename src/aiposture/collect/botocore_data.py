"""botocore's data files (service models, endpoints, paginators), read once per process.

botocore parses a service's model and endpoint rules once per loader (its
``instance_cache``); a fresh session brings a fresh loader, which parses them again (EC2's
model alone takes over a second). Every session aiposture makes for a scan, for seeding the
demo or for reading a model shares one loader per set of model paths.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import boto3
import botocore.session

__all__ = ["boto3_session", "data_session", "new_botocore_session", "shared_loader"]

_LOADERS: dict[tuple[Any, ...], Any] = {}
_LOCK = threading.Lock()


def shared_loader(loader: Any) -> Any:
    """The process's botocore loader that reads the files ``loader`` reads (the first one seen).

    Loaders that search the same paths for the same extras read the same files, so they
    share one, and its cache. A loader that searches other paths (``AWS_DATA_PATH``, an
    injected one) is kept for those paths.
    """
    key = (type(loader), tuple(loader.search_paths), tuple(getattr(loader, "extras_types", ())))
    with _LOCK:
        return _LOADERS.setdefault(key, loader)


def new_botocore_session(profile: str | None = None) -> Any:
    """A new botocore session (``profile`` selects a named one) on the shared loader."""
    session = botocore.session.Session(profile=profile)
    session.register_component("data_loader", shared_loader(session.get_component("data_loader")))
    return session


def boto3_session(botocore_session: Any, **kwargs: Any) -> boto3.Session:
    """A ``boto3.Session`` over ``botocore_session`` (``kwargs``: its keys, region...).

    boto3 appends its own data folder to the loader's search paths each time it wraps a
    botocore session; on the shared loader that would add one more copy per session, for
    as long as the process lives. The copies are removed (order kept).
    """
    session = boto3.Session(botocore_session=botocore_session, **kwargs)
    loader = botocore_session.get_component("data_loader")
    with _LOCK:
        loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
    return session


@cache
def data_session() -> Any:
    """The botocore session that reads models and endpoints (never used to send a call)."""
    return new_botocore_session()
