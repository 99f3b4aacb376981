"""The configuration file (TOML, YAML or JSON): everything that is not a per-run flag.

Unknown keys are errors, so a typo never silently turns a check off.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from aiposture.documents import guard_depth, parse_json, read_utf8
from aiposture.errors import ConfigError, validation_summary
from aiposture.outputs_guard import note_input
from aiposture.results import Severity

GUIDE_S3_BUCKET_PREFIXES = ["ai-training-data-", "model-artifacts-", "cicd-pipeline-"]
GUIDE_LAMBDA_FUNCTION_PREFIXES = ["prod-", "ai-agent-"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ResourcesConfig(_Model):
    """Which AI resources the trails must log (the guide's examples are the defaults).

    ``ids`` maps a CloudTrail ``resources.type`` to the resource ids (the ARN part after
    the type's prefix, e.g. ``"AGENTID/ALIASID"`` for ``AWS::Bedrock::AgentAlias``).
    """

    s3_bucket_prefixes: list[str] = Field(default_factory=lambda: list(GUIDE_S3_BUCKET_PREFIXES))
    lambda_function_prefixes: list[str] = Field(
        default_factory=lambda: list(GUIDE_LAMBDA_FUNCTION_PREFIXES)
    )
    bedrock_execution_role_names: list[str] = Field(default_factory=list)
    ids: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("ids")
    @classmethod
    def _types_look_like_types(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for key in value:
            if not key.startswith("AWS::") or key.count("::") != 2:
                raise ValueError(
                    f"'{key}' is not a CloudTrail resources.type like AWS::Bedrock::AgentAlias"
                )
        return value

    def merged(self, override: ResourcesConfig | None) -> ResourcesConfig:
        """Return this configuration with the fields ``override`` sets replaced (ids merged by type)."""
        if override is None:
            return self
        data = self.model_dump()
        for key in override.model_fields_set:
            if key == "ids":
                data["ids"] = {**data["ids"], **override.ids}
            else:
                data[key] = getattr(override, key)
        return ResourcesConfig.model_validate(data)


class ThresholdsConfig(_Model):
    """Numeric limits the checks apply."""

    cloudwatch_delivery_max_age_hours: float = Field(default=24.0, gt=0)


class ContinuityConfig(_Model):
    """How the continuity checks (``continuity-<family>``) judge the audit period."""

    tolerance_hours: float = Field(default=0.0, ge=0)
    """The longest a monitoring control may be off or weakened inside the period without
    failing its continuity check, in hours. ``0`` (the default): any gap fails."""


class ScopesConfig(_Model):
    """The Scoping Matrix scopes a workload is in (Generative AI 1-5, Agentic AI 1-4).

    ``None`` means "not declared": every check applies. A check whose ``applies_to`` does
    not include a declared scope is NOT_APPLICABLE for the account, with the reason.
    """

    genai: int | None = Field(default=None, ge=1, le=5)
    agentic: int | None = Field(default=None, ge=1, le=4)


class AccountConfig(_Model):
    """Per-account overrides."""

    resources: ResourcesConfig | None = None
    scopes: ScopesConfig | None = None


class ScanConfig(_Model):
    """Where and how to scan."""

    regions: list[str] | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    assume_roles: list[str] = Field(default_factory=list)
    org: bool = False
    """Scan every active account of the organization (Organizations ListAccounts)."""
    role_name: str = "OrganizationAccountAccessRole"
    """The role assumed in each member account of an organization scan."""
    external_id: str | None = None
    """The external id the member roles' trust policy requires, if any."""
    accounts: list[str] | None = None
    """Organization scan: only these account ids."""
    exclude_accounts: list[str] = Field(default_factory=list)
    """Organization scan: leave these account ids out."""
    workers: int = Field(default=16, ge=1, le=64)
    """How many account-region units are read at once."""
    connect_timeout_s: float | None = Field(default=None, gt=0, le=300)
    """Seconds to open a connection to an AWS endpoint, per attempt (default 10)."""
    read_timeout_s: float | None = Field(default=None, gt=0, le=900)
    """Seconds to wait for the next bytes of an answer, per attempt (default 30)."""
    call_budget_s: float | None = Field(default=None, gt=0, le=3600)
    """Seconds one call may take in all, retries included (default 120); a call that
    would outlast it is recorded as failed, and the checks that need it are ERROR."""
    regions_in_use: Literal["auto", "all"] = "auto"
    """Which regions the per-workload checks judge. ``auto``: a check about one workload
    (the data events of a resource type, a detection specific to it) is NOT_APPLICABLE,
    with the reason, in a region where that workload has no resource and shows no use
    (:func:`aiposture.snapshot.usage.type_in_use`); never where a signal could not be read.
    The baseline (management events, Insights, invocation logging, trail delivery, CloudTrail
    disruption and unauthorized-access detections) is judged everywhere, because stolen
    credentials are used exactly where nobody runs AI. ``all``: every check in every
    scanned region, as if every workload ran everywhere."""

    @field_validator("regions")
    @classmethod
    def _regions_named(cls, value: list[str] | None) -> list[str] | None:
        """An empty list, or an empty name, would silently scan nothing or every region.

        Each name is checked against the partition's regions when the scan starts
        (:func:`aiposture.collect.partitions.check_regions`).
        """
        if value is not None and (not value or any(not r.strip() for r in value)):
            raise ValueError("regions must name at least one region, and no empty name")
        return value

    @model_validator(mode="after")
    def _budget_fits_an_attempt(self) -> ScanConfig:
        budget = self.call_budget_s
        attempt = (self.connect_timeout_s or 0) + (self.read_timeout_s or 0)
        if budget is not None and attempt > budget:
            raise ValueError(
                f"call_budget_s ({budget:g}) must leave room for one attempt "
                f"(connect_timeout_s + read_timeout_s = {attempt:g})"
            )
        return self

    def timeout_settings(self) -> dict[str, float]:
        """The timeouts this configuration sets, as keyword arguments of ``Timeouts``."""
        values = {
            "connect_s": self.connect_timeout_s,
            "read_s": self.read_timeout_s,
            "call_budget_s": self.call_budget_s,
        }
        return {name: value for name, value in values.items() if value is not None}


class ReportConfig(_Model):
    """What to write, and when to fail."""

    formats: list[str] = Field(default_factory=lambda: ["json", "html", "pdf"])
    output_dir: Path = Path("aiposture-out")
    fail_on: Severity = Severity.HIGH
    min_score: dict[str, float] = Field(default_factory=dict)
    """Readiness gate: the lowest acceptable score, ``overall`` or per dimension id."""
    waivers: Path | None = None
    """The waivers file (YAML)."""
    baseline: Path | None = None
    """A previous ``results.json``: the report shows the change since it."""


class RemediationConfig(_Model):
    """Values ``aiposture remediate`` needs and cannot read from AWS.

    Each is used only where the scan found nothing better: an existing topic with a
    confirmed subscriber, the invocation-logging role of another region, the namespace
    the account's filters already use.
    """

    alarm_topic_arns: list[str] = Field(default_factory=list)
    """SNS topics with a confirmed subscriber for the guide's alarms; the plan picks the
    one in the alarm's account and region."""
    metric_namespace: str | None = None
    """The CloudWatch namespace for new metric filters (default: the guide's)."""
    invocation_logging_role_arns: list[str] = Field(default_factory=list)
    """Roles Bedrock can assume to write invocation logs (the one in the account is used)."""
    invocation_log_group: str = "bedrock-model-invocation-logging"
    """The log group for Bedrock model invocation logs (the guide's name by default)."""
    unknown_resource_ids: Literal["ask", "account-wide"] = "ask"
    """When a selector needs resource ids that neither the configuration nor the snapshot's
    inventory gives: stop and name the key to set (``ask``), or log every resource of the
    type in the account and region (``account-wide``). Since the inventory (issue 16) this
    only matters for snapshots written without one: with an inventory the plan uses the
    inventoried ARNs, or the account-and-region prefix of the type where nothing could be
    listed (see ``selector_scope``), and never asks."""
    selector_scope: Literal["resources", "type"] = "resources"
    """How new data-event selectors name what they log: ``resources`` lists the exact ARNs
    of the inventoried resources of the account and region (plus configured ids), and falls
    back to the type's account-and-region ARN prefix (e.g.
    ``arn:aws:bedrock:us-east-1:111122223333:agent-alias/``) for a type with nothing
    inventoried or no listing API; ``type`` always writes that prefix, so resources created
    later are logged too."""
    data_event_price_usd_per_100k: float = Field(default=0.10, ge=0)
    """CloudTrail's price for data events, in US dollars per 100,000 events delivered, used
    for the cost estimate of each new data-event selector. Default: the published list price,
    "$0.10 per 100,000 data events delivered" (https://aws.amazon.com/cloudtrail/pricing/)."""


class Config(_Model):
    """The whole configuration file."""

    scan: ScanConfig = Field(default_factory=ScanConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    resources: ResourcesConfig = Field(default_factory=ResourcesConfig)
    thresholds: ThresholdsConfig = Field(default_factory=ThresholdsConfig)
    accounts: dict[str, AccountConfig] = Field(default_factory=dict)
    scopes: ScopesConfig = Field(default_factory=ScopesConfig)
    """The default Scoping Matrix scopes; ``accounts.<id>.scopes`` overrides them."""
    remediation: RemediationConfig = Field(default_factory=RemediationConfig)
    """What ``aiposture remediate`` needs and the scan cannot read."""
    continuity: ContinuityConfig = Field(default_factory=ContinuityConfig)
    """How the continuity of monitoring over the audit period is judged."""

    def resources_for(self, account_id: str) -> ResourcesConfig:
        """The resources configuration that applies to ``account_id``."""
        acct = self.accounts.get(account_id)
        return self.resources.merged(acct.resources if acct else None)

    def scopes_for(self, account_id: str) -> ScopesConfig:
        """The Scoping Matrix scopes declared for ``account_id`` (or the default)."""
        acct = self.accounts.get(account_id)
        if acct is None or acct.scopes is None:
            return self.scopes
        data = self.scopes.model_dump()
        data.update({k: getattr(acct.scopes, k) for k in acct.scopes.model_fields_set})
        return ScopesConfig.model_validate(data)


def _parse_text(path: Path, text: str) -> Any:
    """Parse the configuration text by the file's suffix (see :mod:`aiposture.documents`)."""
    suffix = path.suffix.lower()
    what = "config"
    if suffix == ".toml":
        try:
            return guard_depth(lambda: tomllib.loads(text), path, what, ConfigError)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config {path} is not valid TOML: {exc}") from exc
    if suffix in {".yaml", ".yml"}:
        try:
            return guard_depth(lambda: yaml.safe_load(text), path, what, ConfigError)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise ConfigError(f"config {path} is not valid YAML{where}") from exc
    if suffix == ".json":
        return parse_json(text, path, what, ConfigError)
    raise ConfigError(
        f"config {path}: unknown file type '{suffix}' (use .toml, .yaml, .yml or .json)"
    )


def config_from_data(data: Any, source: str = "config") -> Config:
    """Validate already-parsed configuration data; one readable error for the first problem."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a table/mapping")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        where, kind, message = validation_summary(exc)
        where = where or "(top level)"
        if kind == "extra_forbidden":
            raise ConfigError(f"{source}: unknown key '{where}'") from exc
        raise ConfigError(f"{source}: invalid value at '{where}': {message}") from exc


def load_config(path: Path | None) -> Config:
    """Load and validate a configuration file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    note_input("config", path)
    text = read_utf8(path, "config", ConfigError)
    return config_from_data(_parse_text(path, text), source=f"config {path}")
