"""Deterministic generators of large workbooks for the benchmarks (seeded, written by openpyxl)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

from openpyxl import Workbook

from data_access.core.catalogues import GROUPS, SUBJECTS
from data_access.workbooks.columns import RESULTS

INDICATORS = ("level_1_pct", "level_2_pct", "level_3_pct", "level_4_pct", "min_proficiency_pct")


def result_rows(count: int, country: str = "PER", seed: int = 42) -> list[list[object]]:
    """COUNT unique result rows for one country, with values inside every indicator's range."""
    rng = random.Random(seed)
    keys = itertools.product(INDICATORS, range(1990, 2101), range(1, 13), SUBJECTS, GROUPS)
    rows = []
    for indicator, year, grade, subject, group in itertools.islice(keys, count):
        value = round(rng.uniform(1, 99), 2)
        se = round(rng.uniform(0.3, 3), 2)
        rows.append(
            [
                country,
                indicator,
                year,
                grade,
                subject,
                group,
                value,
                se,
                value - 2 * se,
                value + 2 * se,
                rng.randint(200, 9000),
                "bench",
                None,
            ]
        )
    return rows


def write_results_workbook(path: Path, count: int, lang: str = "es") -> Path:
    """A template-shaped results workbook with COUNT data rows (openpyxl write-only)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("resultados")
    ws.append([col.label(lang) for col in RESULTS.columns])
    for row in result_rows(count):
        ws.append(row)
    wb.save(path)
    return path
