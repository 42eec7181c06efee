"""The README stays true to the code: set-up commands and settings."""

from __future__ import annotations

import pytest

from kb.config import SETTINGS, load_config
from kb.errors import ConfigError
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_setup_commands() -> None:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert [line.split("#")[0].strip() for line in block] == ["make run", "make test"]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting) -> None:  # type: ignore[no-untyped-def]
    row = next(line for line in README.splitlines() if line.startswith(f"| `{setting.name}`"))
    if setting.default is not None:
        assert f"`{setting.default}`" in row


def test_settings_are_read_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = load_config({"KB_HOME": str(tmp_path), "KB_MAX_FILE_MB": "1"})
    assert config.home == tmp_path
    assert config.database_url == f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    assert config.max_file_bytes == 1024 * 1024


@pytest.mark.parametrize("value", ["abc", "0", "-3"])
def test_a_bad_setting_is_a_clear_error(value: str) -> None:
    with pytest.raises(ConfigError, match="KB_MAX_FILE_MB"):
        load_config({"KB_MAX_FILE_MB": value})
