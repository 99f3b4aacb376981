"""X-Ray Transaction Search settings: the trace segment destination and the indexing rules.

moto's X-Ray has neither. As the AWS X-Ray API Reference and the botocore ``xray`` model
(2016-04-12, botocore 1.44) describe them:

- ``GetTraceSegmentDestination`` (POST /GetTraceSegmentDestination, no input): the output
  members ``Destination`` (enum ``XRay``, ``CloudWatchLogs``) and ``Status`` (enum
  ``PENDING``, ``ACTIVE``). An account that never enabled Transaction Search sends its
  segments to ``XRay``.
- ``UpdateTraceSegmentDestination`` (POST /UpdateTraceSegmentDestination, ``Destination``):
  answers the new destination with ``Status`` ``PENDING``; the change completes
  asynchronously, so the next ``GetTraceSegmentDestination`` answers ``ACTIVE``. Moving to
  ``CloudWatchLogs`` creates the ``aws/spans`` log group when it is missing: Transaction
  Search "switches all spans ingestion through X-Ray" into that group, and the role that
  enables it needs ``logs:CreateLogGroup`` on ``log-group:aws/spans`` for that reason
  (CloudWatch User Guide, Enable-TransactionSearch.html, "Prerequisites").
- ``GetIndexingRules`` (POST /GetIndexingRules, ``NextToken``; ``IndexingRules`` of 1 to 10
  ``IndexingRule``: ``Name``, ``ModifiedAt``, ``Rule`` the union ``Probabilistic`` with
  ``DesiredSamplingPercentage``). Every account has the rule ``Default`` ("aws xray
  update-indexing-rule --name "Default"", User Guide, same page), at the documented default
  of 1 %.
- ``UpdateIndexingRule`` (POST /UpdateIndexingRule, ``Name``, ``Rule``
  ``{"Probabilistic": {"DesiredSamplingPercentage": d}}``): answers ``IndexingRule``. An
  unknown rule name is ``ResourceNotFoundException`` and a percentage outside 0-100
  ``InvalidRequestException`` (errors the operation lists in the model).
- ``PutTraceSegments`` while the destination is ``CloudWatchLogs``: besides moto's own
  handling, each segment document is written to ``aws/spans`` (stream ``default``) at its
  ``end_time`` (else ``start_time``), as Transaction Search ingests spans as structured logs
  there (User Guide, CloudWatch-Transaction-Search-ingesting-span-log-groups.html, where
  ``PutLogEvents`` itself cannot write spans). CloudWatch Logs keeps only events of the last
  14 days, as moto's PutLogEvents does.
"""

from __future__ import annotations

import json
from typing import Any

from aiposture.demo.moto_ext.common import epoch, patch, utcnow

__all__ = ["patch_xray_transaction_search"]

SPANS_LOG_GROUP = "aws/spans"
SPANS_STREAM = "default"
"""The stream Transaction Search writes spans to (the console's "Navigate to
/aws/spans/default", AgentCore Developer Guide, observability-view.html)."""
DEFAULT_RULE = "Default"
DEFAULT_PERCENTAGE = 1.0
_STATE = "_aiposture_transaction_search"


def _state(backend: Any) -> dict[str, Any]:
    """The Transaction Search settings of one X-Ray backend (one account and region)."""
    state: dict[str, Any] | None = getattr(backend, _STATE, None)
    if state is None:
        state = {
            "destination": "XRay",
            "status": "ACTIVE",
            "rules": {
                DEFAULT_RULE: {
                    "Name": DEFAULT_RULE,
                    "ModifiedAt": epoch(utcnow()),
                    "Rule": {"Probabilistic": {"DesiredSamplingPercentage": DEFAULT_PERCENTAGE}},
                }
            },
        }
        setattr(backend, _STATE, state)
    return state


def _spans_group(account_id: str, region: str) -> Any:
    """The account's ``aws/spans`` log group in ``region``, created when missing."""
    from moto.logs.models import logs_backends

    logs = logs_backends[account_id][region]
    if SPANS_LOG_GROUP not in logs.groups:
        logs.create_log_group(SPANS_LOG_GROUP, {})
    return logs


def patch_xray_transaction_search() -> None:
    """Add the four Transaction Search operations to moto's X-Ray, and spans in ``aws/spans``.

    As the module docstring cites: the AWS X-Ray API Reference (GetTraceSegmentDestination,
    UpdateTraceSegmentDestination, GetIndexingRules, UpdateIndexingRule), the botocore
    ``xray`` model 1.44 and the CloudWatch User Guide (Enable-TransactionSearch.html).
    """
    import moto.xray.urls as xray_urls
    from moto.core.exceptions import JsonRESTError
    from moto.xray.responses import XRayResponse

    def error(code: str, message: str) -> JsonRESTError:
        found = JsonRESTError(code, message)
        found.code = 400 if code != "ResourceNotFoundException" else 404
        return found

    def get_trace_segment_destination(self: Any) -> str:
        state = _state(self.xray_backend)
        answer = {"Destination": state["destination"], "Status": state["status"]}
        state["status"] = "ACTIVE"  # the change completes after the first look
        return json.dumps(answer)

    def update_trace_segment_destination(self: Any) -> str:
        destination = self._get_param("Destination")
        if destination not in ("XRay", "CloudWatchLogs"):
            raise error("InvalidRequestException", "Destination must be XRay or CloudWatchLogs.")
        state = _state(self.xray_backend)
        if destination == "CloudWatchLogs":
            _spans_group(self.current_account, self.region)
        state["destination"], state["status"] = destination, "PENDING"
        return json.dumps({"Destination": destination, "Status": "PENDING"})

    def get_indexing_rules(self: Any) -> str:
        rules = list(_state(self.xray_backend)["rules"].values())
        return json.dumps({"IndexingRules": rules})

    def update_indexing_rule(self: Any) -> str:
        name = self._get_param("Name")
        rule = self._get_param("Rule") or {}
        rules = _state(self.xray_backend)["rules"]
        if name not in rules:
            raise error("ResourceNotFoundException", f"Indexing rule {name} not found.")
        probabilistic = rule.get("Probabilistic") if isinstance(rule, dict) else None
        share = (probabilistic or {}).get("DesiredSamplingPercentage")
        if not isinstance(share, int | float) or not 0 <= share <= 100:
            raise error(
                "InvalidRequestException",
                "Rule.Probabilistic.DesiredSamplingPercentage must be between 0 and 100.",
            )
        updated = {
            "Name": name,
            "ModifiedAt": epoch(utcnow()),
            "Rule": {"Probabilistic": {"DesiredSamplingPercentage": float(share)}},
        }
        rules[name] = updated
        return json.dumps({"IndexingRule": updated})

    # PutTraceSegments' handler: moto 5.2.6 names it after the operation, 5.2.5 did not
    segments_handler = (
        "put_trace_segments" if hasattr(XRayResponse, "put_trace_segments") else "trace_segments"
    )
    original_trace_segments = getattr(XRayResponse, segments_handler)

    def trace_segments(self: Any) -> Any:
        answer = original_trace_segments(self)
        if _state(self.xray_backend)["destination"] != "CloudWatchLogs":
            return answer
        logs = _spans_group(self.current_account, self.region)
        group = logs.groups[SPANS_LOG_GROUP]
        if SPANS_STREAM not in group.streams:
            logs.create_log_stream(SPANS_LOG_GROUP, SPANS_STREAM)
        events = []
        for doc in self._get_param("TraceSegmentDocuments") or []:
            try:
                segment = json.loads(doc)
                when = float(segment.get("end_time") or segment["start_time"])
            except (ValueError, KeyError, TypeError):
                continue  # moto reported it as unprocessed
            events.append({"timestamp": int(when * 1000), "message": doc})
        if events:
            logs.put_log_events(
                SPANS_LOG_GROUP, SPANS_STREAM, sorted(events, key=lambda e: e["timestamp"])
            )
        return answer

    patch(XRayResponse, "get_trace_segment_destination", get_trace_segment_destination)
    patch(XRayResponse, "update_trace_segment_destination", update_trace_segment_destination)
    patch(XRayResponse, "get_indexing_rules", get_indexing_rules)
    patch(XRayResponse, "update_indexing_rule", update_indexing_rule)
    patch(XRayResponse, segments_handler, trace_segments)
    for operation in (
        "GetTraceSegmentDestination",
        "UpdateTraceSegmentDestination",
        "GetIndexingRules",
        "UpdateIndexingRule",
    ):
        xray_urls.url_paths[f"{{0}}/{operation}$"] = XRayResponse.dispatch
