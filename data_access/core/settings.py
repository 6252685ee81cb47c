"""Settings from ENCUENTRO_* environment variables, each with a default and a help line.

Layer: data_access. Read when called, never at import time, so tests can point them elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path

LANGUAGES = ("es", "pt", "en")


class SettingsError(ValueError):
    """A setting holds a value that cannot work; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    default_lang: str
    max_upload_mb: int
    max_rows: int
    max_unpacked_mb: int
    parse_timeout_s: int
    parse_memory_mb: int
    refresh_s: int
    session_idle_h: int
    metrics_token: str

    @property
    def session_idle(self) -> timedelta:
        """How long an unused login session stays open."""
        return timedelta(hours=self.session_idle_h)

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"


# env name -> (field, default, help). The README's settings table is checked against this.
SETTINGS_HELP: dict[str, tuple[str, str, str]] = {
    "ENCUENTRO_DATA_DIR": (
        "data_dir",
        "./data",
        "Folder for the SQLite store, kept uploads and backups.",
    ),
    "DATABASE_URL": (
        "database_url",
        "",
        "SQLAlchemy URL; empty means SQLite at DATA_DIR/encuentro.db.",
    ),
    "ENCUENTRO_DEFAULT_LANG": (
        "default_lang",
        "es",
        "Language when the URL has no ?lang= (es, pt, en).",
    ),
    "ENCUENTRO_MAX_UPLOAD_MB": (
        "max_upload_mb",
        "20",
        "Largest workbook accepted, in MB.",
    ),
    "ENCUENTRO_MAX_ROWS": ("max_rows", "250000", "Most data rows read from one sheet."),
    "ENCUENTRO_MAX_UNPACKED_MB": (
        "max_unpacked_mb",
        "400",
        "Largest declared unpacked size of a zipped workbook, in MB.",
    ),
    "ENCUENTRO_PARSE_TIMEOUT_S": (
        "parse_timeout_s",
        "60",
        "Seconds the workbook reader may run before it is stopped.",
    ),
    "ENCUENTRO_PARSE_MEMORY_MB": (
        "parse_memory_mb",
        "2048",
        "Address-space cap of the workbook reader process, in MB.",
    ),
    "ENCUENTRO_REFRESH_S": (
        "refresh_s",
        "5",
        "Seconds between a page's checks for new data (the browser asks /api/v1/live; the page "
        "reruns only when the data changed).",
    ),
    "ENCUENTRO_SESSION_IDLE_HOURS": (
        "session_idle_h",
        "12",
        "Hours a login stays open without use (a reload, a second tab and a phone keep it meanwhile).",
    ),
    "ENCUENTRO_METRICS_TOKEN": (
        "metrics_token",
        "",
        "Bearer token that opens /metrics to other hosts; empty means loopback only.",
    ),
}


def _int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def get_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from the environment and check them, so a bad value fails at start."""
    env = os.environ if environ is None else environ
    raw = {field: env.get(name, default) for name, (field, default, _) in SETTINGS_HELP.items()}
    data_dir = Path(raw["data_dir"]).expanduser().resolve()
    lang = raw["default_lang"]
    if lang not in LANGUAGES:
        raise SettingsError(f"ENCUENTRO_DEFAULT_LANG must be one of {LANGUAGES}, got {lang!r}")
    url = raw["database_url"] or f"sqlite:///{data_dir / 'encuentro.db'}"
    ints = {
        f.name: _int(name, raw[f.name])
        for name, (field, _, _) in SETTINGS_HELP.items()
        for f in fields(Settings)
        if f.name == field and f.type == "int"
    }
    token = raw["metrics_token"]
    return Settings(data_dir=data_dir, database_url=url, default_lang=lang, metrics_token=token, **ints)
