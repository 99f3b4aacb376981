"""Amazon Resource Names: splitting an ARN into its six fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ARN = re.compile(r"arn:([^:]+):([^:]+):([^:]*):([^:]*):(.*)", re.DOTALL)


@dataclass(frozen=True)
class Arn:
    """The fields of an ARN: ``arn:partition:service:region:account:resource``."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    """Split ``text`` into an :class:`Arn`, or return None when it is not shaped like one.

    The partition and service must be non-empty; the region and account may be empty (S3, IAM,
    AWS-owned resources). The resource keeps any further ``:`` and ``/`` and may be empty, so an
    account-wide prefix such as ``arn:aws:bedrock:us-east-1:111122223333:`` still parses.
    """
    match = _ARN.fullmatch(text)
    if match is None:
        return None
    partition, service, region, account, resource = match.groups()
    return Arn(partition, service, region, account, resource)
