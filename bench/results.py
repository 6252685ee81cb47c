"""Writes a benchmark's figures into its own section of bench/RESULTS.md, keeping the others."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def record(key: str, title: str, lines: list[str]) -> None:
    """Replace the section marked KEY with TITLE, the machine, the date and LINES."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(
        [
            f"<!-- {key} -->",
            f"## {title}",
            "",
            f"Measured {stamp} on {os.cpu_count()} cores, Python {platform.python_version()}.",
            "",
            *lines,
            f"<!-- /{key} -->",
        ]
    )
    pattern = re.compile(rf"<!-- {key} -->.*?<!-- /{key} -->", re.S)
    text = pattern.sub(body, text) if pattern.search(text) else text.rstrip() + "\n\n" + body + "\n"
    RESULTS.write_text(text, encoding="utf-8")
