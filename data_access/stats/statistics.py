"""Regional figures from published observations: pure functions of DataFrames.

Layer: data_access. The regional average is the unweighted mean of country figures, as LLECE
reports it; a change between cycles is computed over the countries present in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class RegionalFigure:
    mean: float | None
    countries: int
    change: float | None  # against the earlier year, same countries
    change_countries: int


def regional_mean(frame: pd.DataFrame) -> tuple[float | None, int]:
    """Mean of one value per country (rows must already be one indicator/year/grade/subject/group)."""
    per_country = frame.groupby("country_iso3")["value"].mean()
    return (float(per_country.mean()) if len(per_country) else None), len(per_country)


def regional_figure(frame: pd.DataFrame, year: int, earlier: int | None = None) -> RegionalFigure:
    """The regional mean in YEAR and its change since EARLIER over the countries in both."""
    mean, count = regional_mean(frame[frame["year"] == year])
    if earlier is None:
        return RegionalFigure(mean, count, None, 0)
    both = set(frame.loc[frame["year"] == year, "country_iso3"]) & set(
        frame.loc[frame["year"] == earlier, "country_iso3"]
    )
    paired = frame[frame["country_iso3"].isin(both)]
    now, _ = regional_mean(paired[paired["year"] == year])
    before, _ = regional_mean(paired[paired["year"] == earlier])
    change = None if now is None or before is None else now - before
    return RegionalFigure(mean, count, change, len(both))
