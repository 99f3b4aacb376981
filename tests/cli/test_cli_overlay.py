"""The command-line flags laid over the configuration file (``ConfigOverrides``).

In process, through click's ``CliRunner``: the library function a command hands its
configuration to is replaced by one that captures it, so no AWS call is made. A flag that
is given beats the file's value; a flag that is not given leaves the file's value alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aiposture.cli import cli
from aiposture.config import Config, load_config
from aiposture.errors import ConfigError
from aiposture.overrides import ConfigOverrides

CONFIG = """\
[scan]
profile = "file-profile"
regions = ["eu-west-1"]
endpoint_url = "http://file.invalid"
assume_roles = ["arn:aws:iam::111122223333:role/FromFile"]
org = true
role_name = "FileRole"
external_id = "file-external"
accounts = ["111111111111"]
exclude_accounts = ["222222222222"]
workers = 4

[report]
waivers = "file-waivers.yaml"
baseline = "file-baseline.json"
"""


class Captured(Exception):
    """Raised by the stand-in library function, carrying the configuration it was given."""

    def __init__(self, config: Config) -> None:
        super().__init__("captured")
        self.config = config


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "aiposture.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _config_of(
    monkeypatch: pytest.MonkeyPatch, target: str, args: list[str], env: dict[str, str] | None = None
) -> Config:
    """The configuration the command hands to ``aiposture.api.<target>``."""

    def capture(*args: Any, **kwargs: Any) -> Any:
        raise Captured(next(a for a in args if isinstance(a, Config)))

    monkeypatch.setattr(f"aiposture.api.{target}", capture)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AIPOSTURE_SIGN_KEY"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, args, env=env)
    assert isinstance(result.exception, Captured), (result.output, result.exception)
    return result.exception.config


FLAGS = [
    (["--profile", "flag-profile"], "profile", "flag-profile"),
    (
        ["--regions", "us-east-1,us-west-2", "--regions", "ca-central-1"],
        "regions",
        ["us-east-1", "us-west-2", "ca-central-1"],
    ),
    (["--endpoint-url", "http://flag.invalid"], "endpoint_url", "http://flag.invalid"),
    (
        [
            "--assume-role",
            "arn:aws:iam::444455556666:role/A",
            "--assume-role",
            "arn:aws:iam::777788889999:role/B",
        ],
        "assume_roles",
        ["arn:aws:iam::444455556666:role/A", "arn:aws:iam::777788889999:role/B"],
    ),
    (["--role-name", "FlagRole"], "role_name", "FlagRole"),
    (["--external-id", "flag-external"], "external_id", "flag-external"),
    (["--accounts", "333333333333, 444444444444"], "accounts", ["333333333333", "444444444444"]),
    (["--exclude-accounts", "555555555555"], "exclude_accounts", ["555555555555"]),
    (["--workers", "7"], "workers", 7),
]


@pytest.mark.parametrize("command", ["collect", "scan"])
@pytest.mark.parametrize(("flags", "field", "expected"), FLAGS, ids=[f[1] for f in FLAGS])
def test_a_scan_flag_beats_the_config_file(
    monkeypatch, tmp_path, config_file, command, flags, field, expected
):
    target = "collect_to_file" if command == "collect" else "scan"
    out = ["--out", str(tmp_path / "out")]
    config = _config_of(monkeypatch, target, [command, "--config", str(config_file), *flags, *out])
    assert getattr(config.scan, field) == expected
    others = load_config(config_file).scan.model_dump(exclude={field})
    assert config.scan.model_dump(exclude={field}) == others  # only that field changed


@pytest.mark.parametrize("command", ["collect", "scan"])
def test_without_flags_the_config_file_stands(monkeypatch, tmp_path, config_file, command):
    target = "collect_to_file" if command == "collect" else "scan"
    args = [command, "--config", str(config_file), "--out", str(tmp_path / "out")]
    assert _config_of(monkeypatch, target, args) == load_config(config_file)


def test_org_flag_turns_an_organization_scan_on(monkeypatch, tmp_path, config_file):
    config_file.write_text(CONFIG.replace("org = true", "org = false"), encoding="utf-8")
    base = ["collect", "--config", str(config_file), "--out", str(tmp_path / "s.json")]
    assert _config_of(monkeypatch, "collect_to_file", base).scan.org is False
    assert _config_of(monkeypatch, "collect_to_file", [*base, "--org"]).scan.org is True


def test_empty_environment_variables_leave_the_config_file(monkeypatch, tmp_path, config_file):
    """``AWS_PROFILE=`` (set but empty, as CI systems do) is no profile flag."""
    args = ["collect", "--config", str(config_file), "--out", str(tmp_path / "s.json")]
    env = {"AWS_PROFILE": "", "AWS_ENDPOINT_URL": ""}
    scan = _config_of(monkeypatch, "collect_to_file", args, env).scan
    assert (scan.profile, scan.endpoint_url) == ("file-profile", "http://file.invalid")
    env = {"AWS_PROFILE": "env-profile", "AWS_ENDPOINT_URL": "http://env.invalid"}
    scan = _config_of(monkeypatch, "collect_to_file", args, env).scan
    assert (scan.profile, scan.endpoint_url) == ("env-profile", "http://env.invalid")


def test_blank_account_lists_leave_the_config_file(monkeypatch, tmp_path, config_file):
    args = ["collect", "--config", str(config_file), "--out", str(tmp_path / "s.json")]
    blank = ["--accounts", " , ", "--exclude-accounts", ","]
    scan = _config_of(monkeypatch, "collect_to_file", [*args, *blank]).scan
    assert (scan.accounts, scan.exclude_accounts) == (["111111111111"], ["222222222222"])


@pytest.mark.parametrize("field", ["waivers", "baseline"])
def test_waivers_and_baseline_flags_beat_the_config_file(monkeypatch, tmp_path, config_file, field):
    flag = tmp_path / f"flag-{field}"
    args = ["evaluate", str(tmp_path / "snapshot.json"), "--config", str(config_file)]
    args += ["--out", str(tmp_path / "results.json")]
    config = _config_of(monkeypatch, "evaluate_file", [*args, f"--{field}", str(flag)])
    assert getattr(config.report, field) == flag
    other = "baseline" if field == "waivers" else "waivers"
    assert getattr(config.report, other) == getattr(load_config(config_file).report, other)
    assert _config_of(monkeypatch, "evaluate_file", args) == load_config(config_file)


def test_regions_naming_nothing_is_an_error_not_every_region(config_file):
    with pytest.raises(ConfigError, match="--regions names no region"):
        ConfigOverrides(regions=()).apply(load_config(config_file))


def test_no_overrides_change_nothing(config_file):
    config = load_config(config_file)
    assert ConfigOverrides().apply(config) == config
