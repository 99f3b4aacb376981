"""Planning the detection layer: filters, alarms, rules, queries and the dashboard.

Everything goes on the CloudTrail delivery log group of the (account, region) being fixed,
in that log group's own account and region (an organization trail's log group lives in
the management account). Content comes from :mod:`aiposture.guide.detection` (the guide's
text, mantle-aware where guide 002 requires); names already in use get a suffix, so no
existing filter, alarm, rule or query is ever overwritten. Which log group that is, and
whether a detection there could fire at all, is :mod:`.detection_groups`'s part.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from aiposture.guide import detection as guide
from aiposture.remediate.detection_groups import DetectionGroups, PlannedGroup, published_metrics
from aiposture.remediate.plan import (
    PutDashboard,
    PutInsightRule,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
)
from aiposture.remediate.selectors import unique_name
from aiposture.results import Result
from aiposture.rules.support.detection_scope import DeliveryGroup

DETECTION_KINDS = frozenset(
    {"metric_filter", "alarm_chain", "contributor_insights_rule", "saved_query", "dashboard"}
)
"""The rule kinds the detection layer fixes."""
TOPIC_KEY = "remediation.alarm_topic_arns"
"""The configuration key listing the SNS topics new alarms notify."""


class DetectionPlanner(DetectionGroups):
    """Plans the detection layer for every failing detection result."""

    def run(self) -> None:
        """Plan filters, then alarms, rules, queries, and last the dashboards."""
        by_kind: dict[str, list[Result]] = defaultdict(list)
        for r in self.b.failing:
            kind = self.b.kind_of(r.check_id)
            if kind in DETECTION_KINDS:
                by_kind[kind].append(r)
        for r in by_kind["metric_filter"]:
            self._filter(r)
        for r in by_kind["alarm_chain"]:
            self._alarm(r)
        for r in by_kind["contributor_insights_rule"]:
            self._rule(r)
        for r in by_kind["saved_query"]:
            self._query(r)
        for r in by_kind["dashboard"]:
            self._dashboard(r)

    # --- metric filters and alarms ------------------------------------------------------

    @property
    def namespace(self) -> str:
        """The namespace of new metric filters: the configured one, else the guide's."""
        return self.b.config.remediation.metric_namespace or guide.METRIC_NAMESPACE

    def _filter(self, r: Result) -> None:
        placed = self.placed(r, "metric filter")
        if placed is None:
            return
        number, state = placed
        g = state.group
        if r.check_id in state.planned_filters:
            self.b.claim(state.planned_filters[r.check_id], [r])
            return
        mf = guide.metric_filter(number)
        name = unique_name(mf.filter_name, state.filters)
        state.filters.add(name)
        namespace = self.namespace
        notes = []
        published = published_metrics(g, namespace)
        metric = unique_name(mf.metric, set(published) | state.metrics)
        state.metrics.add(metric)
        others = published.get(mf.metric, [])
        if others:
            notes.append(
                f"Filter(s) {', '.join(others)} already publish {namespace}/{mf.metric} but do not "
                "count exactly the events the guide means; a metric sums every filter that "
                f"publishes it, so this filter publishes {metric} instead. aiposture never "
                "deletes them: review and delete them by hand once this filter is in place."
            )
        if mf.number in guide.MANTLE_AWARE_PATTERNS:
            notes.append(
                "The guide's own pattern misses bedrock-mantle (guide 002); this one also counts "
                "bedrock-mantle.amazonaws.com."
            )
        step = PutMetricFilter(
            account_id=g.account_id,
            region=g.region,
            reason=f"No metric filter on log group {g.name} counts what the guide's Metric "
            f"Filter {number} ({mf.title}) counts.",
            notes=notes,
            log_group_name=g.name,
            filter_name=name,
            pattern=mf.complete_pattern,
            metric_name=metric,
            namespace=namespace,
        )
        state.planned_filters[r.check_id] = step
        self.b.add(step, [r])

    def _metric(
        self, state: PlannedGroup, mf_check: str, account: str, region: str
    ) -> tuple[str, str] | str | None:
        """The metric the alarm must watch: the planned filter's, or the passing filter's.

        A string says why the passing filter's metric will not do: other filters publish it
        too, so an alarm on it would count their events (the alarm check's metric link).
        """
        planned = state.planned_filters.get(mf_check)
        if planned is not None:
            return planned.namespace, planned.metric_name
        for res in self.b.passing:
            if res.check_id == mf_check and res.account_id == account and res.region == region:
                metric = str(res.evidence.get("metric") or "")
                ns = str(res.evidence.get("metric_namespace") or "")
                name = str(res.evidence.get("metric_name") or "")
                if ns and name:
                    own = (
                        f"{res.evidence.get('filter')} (log group {res.evidence.get('log_group')})"
                    )
                    others = [
                        f for f in published_metrics(state.group, ns).get(name, []) if f != own
                    ]
                    if others:
                        return (
                            f"the metric {metric} of the passing filter is also published by "
                            f"{', '.join(others)}; give the detection's filter a metric of its "
                            "own first, then alarm on it"
                        )
                    return ns, name
        return None

    def _topic(self, g: DeliveryGroup, team: str) -> str | None:
        for arn in self.b.config.remediation.alarm_topic_arns:
            parts = arn.split(":")
            if len(parts) >= 6 and parts[3] == g.region and parts[4] == g.account_id:
                return arn
        reg = g.region_snapshot
        confirmed = sorted(
            arn
            for arn, topic in ((reg.sns_topics or {}) if reg else {}).items()
            if any(
                str(s.get("SubscriptionArn") or "").startswith("arn:")
                for s in topic.subscriptions or []
            )
        )
        if not confirmed:
            return None
        word = "security" if team == "security" else "ops"
        return next((a for a in confirmed if word in a.rsplit(":", 1)[-1]), confirmed[0])

    def _alarm(self, r: Result) -> None:
        state = self.group_for(r.account_id, r.region)
        if isinstance(state, str):
            self.b.leave(r, state)
            return
        g = state.group
        name = next((ref.split(": ", 1)[1] for ref in r.seed_refs if ref.startswith("Alarm: ")), "")
        alarm = guide.ALARMS_BY_NAME.get(name)
        p = self.b.params(r.check_id)
        if alarm is None:
            self.b.leave(r, "not a guide alarm")
            return
        problem = self.upstream_problem(r, state)
        if problem:
            self.b.leave(r, problem)
            return
        metric = self._metric(state, p.metric_filter, r.account_id or "", r.region or "")
        if isinstance(metric, str):
            self.b.leave(r, metric)
            return
        if metric is None:
            self.b.leave(
                r,
                f"alarm {name} needs the metric of check {p.metric_filter}, which the plan cannot "
                "create here",
            )
            return
        if alarm.name in state.planned_alarms:
            self.b.claim(state.planned_alarms[alarm.name], [r])
            return
        topic = self._topic(g, alarm.team)
        if topic is None:
            self.b.leave(
                r,
                f"no SNS topic with a confirmed subscriber is known in account {g.account_id}, "
                f"{g.region}: create one and confirm its subscription, then list its ARN under "
                f"{TOPIC_KEY}",
                TOPIC_KEY,
                (g.account_id, g.region),
            )
            return
        notes = []
        if topic in self.b.config.remediation.alarm_topic_arns:
            reg = g.region_snapshot
            if reg is None or reg.sns_topics is None or topic not in reg.sns_topics:
                notes.append(
                    f"Topic {topic} comes from the configuration; the scan did not read it, so "
                    "the verification assumes it has a confirmed subscriber."
                )
        else:
            notes.append(f"Reuses topic {topic}, which has a confirmed subscriber.")
        alarm_name = unique_name(alarm.name, state.alarms)
        state.alarms.add(alarm_name)
        step = PutMetricAlarm(
            account_id=g.account_id,
            region=g.region,
            reason=f'Nothing alarms on {metric[1]} as the guide\'s alarm "{alarm.name}" does '
            f"(more than {alarm.threshold:g} in {alarm.period_seconds // 60} min).",
            notes=notes,
            alarm_name=alarm_name,
            description=f"{alarm.name} (guide alarm table; written by aiposture remediate)",
            namespace=metric[0],
            metric_name=metric[1],
            period=alarm.period_seconds,
            threshold=float(alarm.threshold),
            alarm_actions=[topic],
        )
        state.planned_alarms[alarm.name] = step
        self.b.add(step, [r])

    # --- rules and queries ---------------------------------------------------------------

    def _rule(self, r: Result) -> None:
        placed = self.placed(r, "rule")
        if placed is None:
            return
        number, state = placed
        g = state.group
        cls = g.log_group.log_group_class if g.log_group else None
        if cls and cls != "STANDARD":
            self.b.leave(
                r,
                f"Contributor Insights analyses only Standard-class log groups and {g.name} is "
                f"{cls}; the class cannot be changed: deliver the trail to a new Standard log "
                "group first (check ct-delivery-log-group-class)",
            )
            return
        if number in state.planned_rules:
            self.b.claim(state.planned_rules[number], [r])
            return
        rule = guide.insight_rule(number)
        name = unique_name(rule.name, state.rules)
        state.rules.add(name)
        step = PutInsightRule(
            account_id=g.account_id,
            region=g.region,
            reason=f"No enabled Contributor Insights rule on {g.name} ranks {rule.title.lower()}.",
            notes=["Cost: Contributor Insights is charged per rule and per matched log event."],
            rule_name=name,
            definition=rule.definition(g.name),
        )
        state.planned_rules[number] = step
        self.b.add(step, [r])

    def _query(self, r: Result) -> None:
        placed = self.placed(r, "query")
        if placed is None:
            return
        number, state = placed
        g = state.group
        if number in state.planned_queries:
            self.b.claim(state.planned_queries[number], [r])
            return
        q = guide.query(number)
        text = q.sql_for(g.name)
        groups = q.log_groups(g.name)
        reg = g.region_snapshot
        real = (
            reg.invocation_logging.cloudwatch_log_group if reg and reg.invocation_logging else None
        )
        joins = getattr(self.b.params(r.check_id), "joins", [])
        if real is None and any(j.log_group == "invocation_logging" for j in joins):
            self.b.leave(
                r,
                f"Query {number} joins the Bedrock model invocation log group, and invocation "
                f"logging in account {g.account_id}, {g.region} has no CloudWatch Logs destination "
                "(check bedrock-invocation-logging)",
            )
            return
        if (
            real
            and real != guide.INVOCATION_LOG_GROUP_NAME
            and guide.INVOCATION_LOG_GROUP_NAME in groups
        ):
            text = text.replace(f"`{guide.INVOCATION_LOG_GROUP_NAME}`", f"`{real}`")
            groups = [real if x == guide.INVOCATION_LOG_GROUP_NAME else x for x in groups]
        name = unique_name(q.query_name, state.queries)
        state.queries.add(name)
        step = PutQueryDefinition(
            account_id=g.account_id,
            region=g.region,
            reason=f"No saved query on {g.name} answers the guide's Query {number} ({q.title}).",
            name=name,
            query_string=text,
            log_group_names=groups,
        )
        state.planned_queries[number] = step
        self.b.add(step, [r])

    # --- the dashboard ------------------------------------------------------------------

    def _dashboard(self, r: Result) -> None:
        account = r.account_id or ""
        candidates = [
            s
            for s in self.groups.values()
            if s.group.account_id == account
            or any(t.account_id == account for st in s.planned_alarms.values() for t in st.targets)
        ]
        if not candidates:
            acct = self.work.account(account)
            for region in acct.scanned_regions if acct else []:
                state = self.group_for(account, region)
                if not isinstance(state, str):
                    candidates.append(state)
                    break
        if not candidates:
            self.b.leave(r, "the dashboard needs a CloudTrail log group, and none is known")
            return
        state = sorted(candidates, key=lambda s: (s.group.account_id != account, s.group.region))[0]
        g = state.group
        reg = g.region_snapshot
        guide_alarms = {a.name for a in guide.ALARMS} | {a.alarm_name for a in guide.ALARMS}
        existing = [
            str(a.get("AlarmName"))
            for a in (reg.alarms or [] if reg else [])
            if str(a.get("AlarmName")) in guide_alarms
        ]
        alarms = sorted({*existing, *(s.alarm_name for s in state.planned_alarms.values())})
        if not alarms:
            self.b.leave(
                r,
                "the dashboard's alarm grid needs the guide's alarms, and the plan cannot create "
                f"them in account {g.account_id}, {g.region} without a topic",
                TOPIC_KEY,
                (g.account_id, g.region),
            )
            return
        queries = {n: s.query_string for n, s in state.planned_queries.items()}
        body = guide.dashboard_body(
            g.account_id,
            g.region,
            g.name,
            alarms,
            rule_names={n: s.rule_name for n, s in state.planned_rules.items()},
            namespace=self.namespace,
            queries=queries,
        )
        acct_read = self.work.account(g.account_id)
        dashboards = acct_read.dashboard_bodies() if acct_read else {}
        before: dict[str, Any] | None = None
        if guide.DASHBOARD_NAME in dashboards:
            try:
                before = json.loads(dashboards[guide.DASHBOARD_NAME])
            except ValueError:
                before = None
            if isinstance(before, dict):
                kept = list(before.get("widgets") or [])
                bottom = max(
                    (int(w.get("y", 0)) + int(w.get("height", 6)) for w in kept), default=0
                )
                body = {
                    **before,
                    "widgets": kept + [dict(w, y=int(w["y"]) + bottom) for w in body["widgets"]],
                }
        step = PutDashboard(
            account_id=g.account_id,
            region=g.region,
            reason=f"Account {account} has no dashboard that shows the guide's alarms, "
            "Contributor Insights rules and CloudTrail queries together.",
            notes=["The existing widgets are kept; the guide's widgets are added below them."]
            if before
            else [],
            dashboard_name=guide.DASHBOARD_NAME,
            before=before if isinstance(before, dict) else None,
            body=body,
        )
        self.b.add(step, [r])
