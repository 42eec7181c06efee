"""Settings, declared once and read from ``KB_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kb.errors import ConfigError
from kb.limits import Limits

_MB = 1024 * 1024
DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Setting:
    """One setting: its environment name, default and help text."""

    name: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("KB_HOME", "./instance", "Instance folder holding the SQLite file and the index."),
    Setting(
        "KB_DATABASE_URL",
        None,
        "Any SQLAlchemy URL; default is sqlite:///$KB_HOME/kb.sqlite3.",
    ),
    Setting(
        "KB_USERDICT",
        "corpus/userdict.txt",
        "jieba user dictionary; changing it makes the index rebuild.",
    ),
    Setting(
        "KB_SECRET_KEY",
        None,
        "Flask secret key for sessions and CSRF; default: a random key kept in $KB_HOME.",
    ),
    Setting(
        "KB_REQUIRE_LOGIN",
        "0",
        "1 to require login for reading too (readers are anonymous by default).",
    ),
    Setting(
        "KB_MAX_FILE_MB",
        "20",
        "Files larger than this many megabytes are rejected at ingest.",
    ),
    Setting(
        "KB_MAX_UNPACKED_MB",
        "100",
        "A .docx whose parts unpack to more than this many megabytes is rejected (zip bombs).",
    ),
    Setting(
        "KB_MAX_TEXT_CHARS",
        "500000",
        "A file whose text is longer than this many characters is rejected (split it first).",
    ),
    Setting(
        "KB_INGEST_SECONDS",
        "60",
        "Seconds one file may take to read, clean and tag before it is rejected.",
    ),
    Setting(
        "KB_INGEST_MEMORY_MB",
        "1024",
        "Megabytes one file's processing may use beyond the worker's own before rejection.",
    ),
    Setting(
        "KB_RESULT_CACHE",
        "256",
        "Result pages each site worker's searcher keeps for repeated queries (0: none).",
    ),
)


@dataclass(frozen=True)
class Config:
    """Resolved settings for one process."""

    home: Path
    database_url: str
    max_file_bytes: int
    secret_key: str | None = None
    require_login: bool = False
    result_cache: int = 256
    limits: Limits = DEFAULT_LIMITS
    """What one ingested file may be and cost (``max_bytes`` is ``max_file_bytes``)."""

    @property
    def index_dir(self) -> Path:
        return self.home / "index"


def _env(name: str, environ: dict[str, str]) -> str | None:
    default = next(s.default for s in SETTINGS if s.name == name)
    value = environ.get(name)
    return value if value not in (None, "") else default


def load_config(environ: dict[str, str] | None = None) -> Config:
    """Read the settings from ``environ`` (default: the process environment)."""
    env = dict(os.environ if environ is None else environ)
    home = Path(_env("KB_HOME", env) or "./instance").expanduser().resolve()
    url = _env("KB_DATABASE_URL", env) or f"sqlite:///{home / 'kb.sqlite3'}"
    raw_max = _env("KB_MAX_FILE_MB", env) or "20"
    try:
        max_mb = float(raw_max)
    except ValueError:
        raise ConfigError(f"KB_MAX_FILE_MB 应为数字（兆字节），而不是 {raw_max!r}") from None
    if max_mb <= 0:
        raise ConfigError(f"KB_MAX_FILE_MB 应大于 0，而不是 {raw_max!r}")
    require = (_env("KB_REQUIRE_LOGIN", env) or "0").strip().lower()
    if require not in {"0", "1", "true", "false", "yes", "no"}:
        raise ConfigError(f"KB_REQUIRE_LOGIN 应为 0 或 1，而不是 {require!r}")
    raw_cache = (_env("KB_RESULT_CACHE", env) or "256").strip()
    if not raw_cache.isascii() or not raw_cache.isdigit():
        raise ConfigError(f"KB_RESULT_CACHE 应为不小于 0 的整数，而不是 {raw_cache!r}")
    max_bytes = int(max_mb * _MB)
    limits = Limits(
        max_bytes=max_bytes,
        max_unpacked_bytes=int(_positive("KB_MAX_UNPACKED_MB", env) * _MB),
        max_text_chars=int(_positive("KB_MAX_TEXT_CHARS", env)),
        seconds=_positive("KB_INGEST_SECONDS", env),
        memory_bytes=int(_positive("KB_INGEST_MEMORY_MB", env) * _MB),
    )
    return Config(
        home=home,
        database_url=url,
        max_file_bytes=max_bytes,
        secret_key=_env("KB_SECRET_KEY", env),
        require_login=require in {"1", "true", "yes"},
        result_cache=int(raw_cache),
        limits=limits,
    )


def _positive(name: str, environ: dict[str, str]) -> float:
    """A setting that must be a number greater than 0."""
    raw = (_env(name, environ) or "").strip()
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} 应为大于 0 的数字，而不是 {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"{name} 应为大于 0 的数字，而不是 {raw!r}")
    return value
