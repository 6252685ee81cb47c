"""Comparisons behind the charts: country against region, trends, gaps, levels, profiles.

Layer: data_access; pure pandas/numpy over the observations frame (queries.list_observations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from data_access.stats.comparison_tables import (
    MIN_LEVEL,
    ONE_PER,
    PAIRS,
    Z95,
    empty_table,
    gap_table,
    heatmap_table,
    levels_table,
    one_per,
    scatter_table,
    verdicts,
    with_uncertainty,
)

COMPARE_COLUMNS = [
    "country_iso3", "value", "se_used", "lo", "hi", "diff", "diff_se", "z", "verdict",
    "version", "published_at", "source",
]  # fmt: skip
TREND_COLUMNS = ["country_iso3", "year", *ONE_PER]
CHANGE_COLUMNS = [
    "country_iso3", "first_year", "last_year", "first", "last", "change", "change_se", "verdict",
]  # fmt: skip
PROFILE_COLUMNS = [
    "indicator_code", "grade", "subject", "year", "value", "mean", "diff", "diff_se", "verdict",
    "lo", "hi", "countries", "std_diff",
]  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    table: pd.DataFrame
    mean: float | None
    mean_se: float | None
    countries: int


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """NUM / DEN where DEN is a positive number, NaN elsewhere (no test without an SE)."""
    return num / den.where(den > 0)


def compare_to_region(frame: pd.DataFrame) -> Comparison:
    """Each country against the unweighted regional mean, tested with the part-whole correction."""
    per = one_per(frame, ["country_iso3"])
    k = len(per)
    if k == 0:
        return Comparison(empty_table(COMPARE_COLUMNS), None, None, 0)
    per["value"] = per["value"].astype(float)
    mean = float(per["value"].mean())
    var = per["se_used"].astype(float) ** 2
    all_se = bool(per["se_used"].notna().all())
    per["diff"] = per["value"] - mean
    # The country is one of the K in the average: Var(x_i - R) is smaller than se_i^2 + se_R^2.
    diff_var = ((k - 1) / k) ** 2 * var + (var.sum() - var) / k**2
    per["diff_se"] = np.sqrt(diff_var) if all_se and k >= 2 else np.nan
    per["z"] = _ratio(per["diff"], per["diff_se"])
    per["verdict"] = verdicts(per["z"], ("above", "same", "below"))
    mean_se = float(np.sqrt(var.sum()) / k) if all_se else None
    table = per.sort_values(["value", "country_iso3"], ascending=[False, True], kind="stable")
    return Comparison(table[COMPARE_COLUMNS].reset_index(drop=True), mean, mean_se, k)


def trend_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per country-year figures, and each country's change from its first to its last year."""
    long = one_per(frame, ["country_iso3", "year"])
    if long.empty:
        return empty_table(TREND_COLUMNS), empty_table(CHANGE_COLUMNS)
    long["year"] = long["year"].astype(int)
    by_country = long.groupby("country_iso3", sort=True)
    firsts, lasts = by_country.head(1).set_index("country_iso3"), by_country.tail(1).set_index("country_iso3")
    counts = by_country.size()
    keep = counts[counts >= 2].index
    if not len(keep):
        return long[TREND_COLUMNS], empty_table(CHANGE_COLUMNS)
    first, last = firsts.loc[keep], lasts.loc[keep]
    changes = pd.DataFrame(
        {
            "country_iso3": keep,
            "first_year": first["year"].to_numpy(),
            "last_year": last["year"].to_numpy(),
            "first": first["value"].to_numpy(dtype=float),
            "last": last["value"].to_numpy(dtype=float),
        }
    )
    changes["change"] = changes["last"] - changes["first"]
    se1, se2 = first["se_used"].to_numpy(dtype=float), last["se_used"].to_numpy(dtype=float)
    changes["change_se"] = np.sqrt(se1**2 + se2**2)
    changes["verdict"] = verdicts(_ratio(changes["change"], changes["change_se"]), ("up", "same", "down"))
    return long[TREND_COLUMNS], changes[CHANGE_COLUMNS]


def regional_trend(frame: pd.DataFrame) -> pd.DataFrame:
    """Regional mean per year over the countries present in every year, so like meets like."""
    long = one_per(frame, ["country_iso3", "year"])
    if long.empty:
        return empty_table(["year", "mean", "countries"])
    years = long["year"].nunique()
    present = long.groupby("country_iso3")["year"].nunique()
    paired = long[long["country_iso3"].isin(present[present == years].index)]
    if paired.empty:
        return empty_table(["year", "mean", "countries"])
    out = paired.groupby("year").agg(mean=("value", "mean"), countries=("country_iso3", "nunique"))
    out = out.reset_index()
    out["year"] = out["year"].astype(int)
    out["mean"] = out["mean"].astype(float)
    return out


def _standardised(diff: float, values: pd.Series) -> float:
    """DIFF in standard deviations of the country values, so scores and indexes share one axis."""
    sd = float(values.std(ddof=0)) if len(values) > 1 else 0.0
    return float(diff) / sd if sd > 0 else 0.0


def profile_table(frame: pd.DataFrame, country_iso3: str) -> pd.DataFrame:
    """The country against the region on every cut, each at the latest year it reported."""
    return profile_tables(frame).get(country_iso3, empty_table(PROFILE_COLUMNS))


def profile_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every country's profile at once: each (cut, year) is compared once for all the countries
    that reported it last that year, not once per country."""
    rows: dict[str, list[dict[str, object]]] = {}
    if frame.empty:
        return {}
    for (code, grade, subject), cut in frame.groupby(
        ["indicator_code", "grade", "subject"], dropna=False, sort=True
    ):
        latest = cut[cut["value"].notna()].groupby("country_iso3")["year"].max()
        compared: dict[int, tuple[Comparison, pd.DataFrame]] = {}
        for iso3, last in latest.items():
            year = int(last)
            if year not in compared:
                cmp = compare_to_region(cut[cut["year"] == year])
                compared[year] = (cmp, cmp.table.set_index("country_iso3"))
            cmp, table = compared[year]
            rows.setdefault(str(iso3), []).append(
                _profile_row((code, grade, subject, year), cmp, table.loc[iso3])
            )
    return {iso3: pd.DataFrame(found, columns=PROFILE_COLUMNS) for iso3, found in rows.items()}


def _profile_row(cut: tuple, cmp: Comparison, mine: pd.Series) -> dict[str, object]:
    code, grade, subject, year = cut
    return {
        "indicator_code": code, "grade": grade, "subject": subject, "year": year,
        "value": mine["value"], "mean": cmp.mean, "diff": mine["diff"], "diff_se": mine["diff_se"],
        "verdict": mine["verdict"], "lo": mine["lo"], "hi": mine["hi"], "countries": cmp.countries,
        "std_diff": _standardised(mine["diff"], cmp.table["value"]),
    }  # fmt: skip


def is_provisional(published_at: datetime | date | None, meeting_start: date | None) -> bool:
    """Published on or after the meeting's first day, so it may still change during the meeting."""
    if meeting_start is None or published_at is None or pd.isna(published_at):
        return False
    day = published_at.date() if isinstance(published_at, datetime) else published_at
    return day >= meeting_start


__all__ = [
    "MIN_LEVEL", "PAIRS", "Z95", "Comparison", "compare_to_region", "gap_table", "heatmap_table",
    "is_provisional", "levels_table", "profile_table", "profile_tables", "regional_trend", "scatter_table",
    "trend_table", "with_uncertainty",
]  # fmt: skip
