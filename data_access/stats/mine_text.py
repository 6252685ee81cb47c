"""Where one country stands: the reader's own, one sentence per chart kind added to the caption,
and a country profile's caption.

Layer: data_access. Built only from numbers, codes and catalogue names, never from typed text.
"""

from __future__ import annotations

import pandas as pd

from data_access.core.catalogues import GROUPS, country_name
from data_access.core.formatting import format_number
from data_access.core.i18n import t
from data_access.stats.chart_text import (
    ROMAN,
    format_value,
    missing_sentence,
    signed_value,
    significance_sentence,
    verdict_label,
)
from data_access.stats.comparisons import MIN_LEVEL, PAIRS
from data_access.stats.direction import Direction, higher_is_better, oriented, tones


def _mine_row(table: pd.DataFrame, mine: str) -> pd.Series | None:
    rows = table[table["country_iso3"] == mine] if "country_iso3" in table.columns else table.iloc[0:0]
    return None if rows.empty else rows.iloc[0]


def _inline(label: str) -> str:
    """A legend label inside a sentence: "Brecha significativa" -> "brecha significativa"."""
    return label[:1].lower() + label[1:]


def mine_trend(changes: pd.DataFrame, mine: str, unit: str, lang: str, higher: Direction = True) -> str:
    """MINE's first and last figure, its change and the change's verdict read with the direction."""
    row = _mine_row(changes, mine)
    if row is None:
        return missing_sentence(mine, lang)
    verdict = _inline(verdict_label(str(row["verdict"]), lang, higher))
    return t(
        "charts.trend.single", lang, country=country_name(mine, lang),
        first=format_value(row["first"], unit, lang), first_year=int(row["first_year"]),
        last=format_value(row["last"], unit, lang), last_year=int(row["last_year"]),
        change=f"{signed_value(float(row['change']), unit, lang)}; {verdict}",
    )  # fmt: skip


def mine_gap(gaps: pd.DataFrame, mine: str, pair: str, unit: str, lang: str) -> str:
    """MINE's gap between the pair's groups and whether it is significant."""
    row = _mine_row(gaps, mine)
    if row is None:
        return missing_sentence(mine, lang)
    group_a, group_b = PAIRS[pair]
    return t(
        "charts.mine.gap", lang, country=country_name(mine, lang), label_a=GROUPS[group_a][lang],
        label_b=GROUPS[group_b][lang], gap=signed_value(float(row["gap"]), unit, lang),
        verdict=_inline(verdict_label(str(row["verdict"]), lang)),
    )  # fmt: skip


def mine_levels(at_or_above: pd.DataFrame, mine: str, grade: int, lang: str) -> str:
    """MINE's share at or above the minimum level against the regional average."""
    row = _mine_row(at_or_above, mine)
    if row is None:
        return missing_sentence(mine, lang)
    return t(
        "charts.mine.levels", lang, country=country_name(mine, lang),
        value=format_value(float(row["at_or_above"]), "percent", lang),
        level=ROMAN[MIN_LEVEL[int(grade)] - 1],
        mean=format_value(float(at_or_above["at_or_above"].mean()), "percent", lang),
    )  # fmt: skip


def mine_heatmap(
    table: pd.DataFrame, mine: str, lang: str, directions: dict[str, Direction] | None = None
) -> str:
    """In how many of the columns MINE is on the better or the worse side of the regional mean."""
    rows = table[table["country_iso3"] == mine]
    if rows.empty:
        return missing_sentence(mine, lang)
    codes = rows["column"].str.partition("|")[0]
    favour = oriented(rows["std_diff"], codes.map(lambda code: higher_is_better(code, directions)))
    return t(
        "charts.mine.heatmap", lang, country=country_name(mine, lang), count=len(rows),
        better=int((favour > 0).sum()), worse=int((favour < 0).sum()),
    )  # fmt: skip


def mine_scatter(table: pd.DataFrame, mine: str, x_name: str, y_name: str, lang: str) -> str:
    """MINE's two figures, named by their axes."""
    row = _mine_row(table, mine)
    if row is None:
        return missing_sentence(mine, lang)
    return t(
        "charts.mine.scatter", lang, country=country_name(mine, lang), x=x_name, y=y_name,
        x_value=format_number(float(row["x"]), lang), y_value=format_number(float(row["y"]), lang),
    )  # fmt: skip


def caption_profile(
    table: pd.DataFrame, country: str, lang: str, directions: dict[str, Direction] | None = None
) -> str:
    """On how many indicators the country does better or worse than the region, and what was tested."""
    if table.empty:
        return t("charts.no_data", lang)
    codes = table["indicator_code"] if "indicator_code" in table else pd.Series("", index=table.index)
    higher = codes.map(lambda code: higher_is_better(code, directions))
    better = oriented(table["diff"], higher)
    summary = t(
        "charts.profile.summary", lang, country=country_name(country, lang), count=len(table),
        better=int((better > 0).sum()), worse=int((better < 0).sum()),
    )  # fmt: skip
    labels = {"better": "better", "worse": "worse"}
    tested = significance_sentence(tones(table["verdict"], higher), "charts.profile.tested", labels, lang)
    return f"{summary} {tested}"
