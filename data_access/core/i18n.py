"""Every user-visible string in es, pt and en, and the lookup the UI and reports use.

Layer: data_access (so validation messages, exports and pages share one catalogue). The strings
live in texts/*.toml beside this file, one file per area; a test fails when a key lacks a language.
"""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache
from pathlib import Path

from data_access.core.settings import LANGUAGES

TEXTS_DIR = Path(__file__).resolve().parents[1] / "texts"


@cache
def load_texts() -> dict[str, dict[str, str]]:
    """Flatten texts/*.toml into {"section.key": {"es": ..., "pt": ..., "en": ...}}."""
    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict, origin: str) -> None:
        if set(node) & set(LANGUAGES):
            if prefix in out:
                raise ValueError(f"text key {prefix!r} is defined twice (again in {origin})")
            out[prefix] = node
            return
        for key, child in node.items():
            walk(f"{prefix}.{key}" if prefix else key, child, origin)

    for path in sorted(TEXTS_DIR.glob("*.toml")):
        walk("", tomllib.loads(path.read_text(encoding="utf-8")), path.name)
    return out


def normalize_lang(lang: str | None) -> str:
    """A supported language code; anything else falls back to Spanish."""
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else "es"


def t(key: str, lang: str, **params: object) -> str:
    """The text for KEY in LANG, with {placeholders} filled; a missing key is a bug and raises."""
    text = load_texts()[key][normalize_lang(lang)]
    return text.format(**params) if params else text


def fold(text: object) -> str:
    """Case-, accent- and space-insensitive form used to match headers and names."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(stripped.casefold().split()).replace("_", "").replace("-", "")
