"""Configuration: strict, readable errors, per-account merges."""

from __future__ import annotations

import pytest

from aiposture.config import load_config
from aiposture.errors import ConfigError


def test_toml_and_yaml_load_the_same(tmp_path):
    toml = tmp_path / "c.toml"
    toml.write_text(
        '[scan]\nregions = ["us-east-1"]\n[resources.ids]\n"AWS::Bedrock::Guardrail" = ["g1"]\n'
    )
    yml = tmp_path / "c.yaml"
    yml.write_text(
        "scan:\n  regions: [us-east-1]\nresources:\n  ids:\n    AWS::Bedrock::Guardrail: [g1]\n"
    )
    assert load_config(toml) == load_config(yml)


def test_per_account_resources_merge(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[resources]\nlambda_function_prefixes = ["fn-"]\n[resources.ids]\n"AWS::Bedrock::Guardrail" = ["g1"]\n'
        '[accounts."111122223333".resources.ids]\n"AWS::Bedrock::Tool" = ["t1"]\n'
    )
    cfg = load_config(path)
    merged = cfg.resources_for("111122223333")
    assert merged.ids == {"AWS::Bedrock::Guardrail": ["g1"], "AWS::Bedrock::Tool": ["t1"]}
    assert merged.lambda_function_prefixes == ["fn-"]
    assert cfg.resources_for("999999999999").ids == {"AWS::Bedrock::Guardrail": ["g1"]}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("c.toml", "[scan]\nregoins = ['x']\n", "unknown key 'scan.regoins'"),
        ("c.toml", "[scan\n", "not valid TOML"),
        ("c.yaml", "scan: [\n", "not valid YAML"),
        ("c.yaml", "- a\n- b\n", "top level"),
        ("c.toml", "[report]\nfail_on = 'catastrophic'\n", "report.fail_on"),
        ("c.toml", "[resources.ids]\n'Bedrock::Agent' = ['x']\n", "resources.ids"),
        ("c.ini", "", "unknown file type"),
    ],
)
def test_bad_config_is_one_readable_error(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        load_config(path)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "nope.toml")
