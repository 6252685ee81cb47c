"""Building blocks of the comparisons and the gap, levels, heatmap and scatter tables.

Layer: data_access; pure pandas/numpy. data_access.stats.comparisons re-exports the public names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Z95 = 1.959963984540054
UNCERTAIN = ("se", "ci_low", "ci_high")
OPTIONAL = ("version", "published_at", "source")
ONE_PER = ["value", "se_used", "lo", "hi", "version", "published_at", "source"]


def empty_table(columns: list[str]) -> pd.DataFrame:
    """An empty table with the documented columns, so callers never test for missing ones."""
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})


def with_uncertainty(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy plus se_used, lo, hi: a published interval wins, else one derived from the SE."""
    out = frame.copy()
    for column in UNCERTAIN:
        out[column] = pd.to_numeric(out[column], errors="coerce") if column in out else np.nan
    out["value"] = pd.to_numeric(out["value"], errors="coerce") if "value" in out else np.nan
    has_ci = out["ci_low"].notna() & out["ci_high"].notna()
    # A 95 % interval, symmetric or not, spans about 2 * Z95 standard errors.
    from_ci = (out["ci_high"] - out["ci_low"]) / (2 * Z95)
    out["se_used"] = out["se"].where(out["se"].notna(), from_ci.where(has_ci))
    out["lo"] = out["ci_low"].where(has_ci, out["value"] - Z95 * out["se"])
    out["hi"] = out["ci_high"].where(has_ci, out["value"] + Z95 * out["se"])
    return out


def one_per(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per KEYS; repeated figures are averaged, their SE as that of a mean of independent ones."""
    if frame.empty:
        return empty_table([*keys, *ONE_PER])
    data = with_uncertainty(frame).dropna(subset=["value"])
    for column in OPTIONAL:
        if column not in data:
            data[column] = np.nan
    data["var"] = data["se_used"] ** 2
    if not data.duplicated(subset=keys).any():
        return _already_one_per(data, keys)
    out = (
        data.groupby(keys, dropna=False, sort=True)
        .agg(
            value=("value", "mean"),
            n=("value", "size"),
            var=("var", "sum"),
            n_se=("var", "count"),
            lo=("lo", "mean"),
            n_lo=("lo", "count"),
            hi=("hi", "mean"),
            n_hi=("hi", "count"),
            version=("version", "max"),
            published_at=("published_at", "max"),
            source=("source", "first"),
        )
        .reset_index()
    )
    out["se_used"] = (np.sqrt(out["var"]) / out["n"]).where(out["n_se"] == out["n"])
    out["lo"] = out["lo"].where(out["n_lo"] == out["n"])
    out["hi"] = out["hi"].where(out["n_hi"] == out["n"])
    return out[[*keys, *ONE_PER]]


def _already_one_per(data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """one_per when every KEYS occurs once (the usual published file): the same figures as the
    grouped path, without its eleven aggregations (a fifth of a cold chart's cost)."""
    out = data.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
    out["value"] = out["value"].astype(float)
    out["se_used"] = np.sqrt(out["var"])
    return out[[*keys, *ONE_PER]]


def verdicts(z: pd.Series, labels: tuple[str, str, str]) -> pd.Series:
    """(higher, same, lower) by |z| > Z95; "none" where no test was possible."""
    higher, same, lower = labels
    chosen = np.select([z.isna(), z > Z95, z < -Z95], ["none", higher, lower], default=same)
    return pd.Series(chosen, index=z.index, dtype="object")


PAIRS: dict[str, tuple[str, str]] = {
    "sex": ("female", "male"),
    "area": ("urban", "rural"),
    "school": ("public", "private"),
    "ses": ("ses_q1", "ses_q5"),
}
# Minimum proficiency level by grade (SDG 4.1.1 as LLECE sets it): level II in 3rd, III in 6th.
MIN_LEVEL: dict[int, int] = {3: 2, 6: 3}
GAP_COLUMNS = ["country_iso3", "value_a", "value_b", "gap", "gap_se", "verdict"]
LEVEL_COLUMNS = ["country_iso3", "level", "share", "start", "end"]
AT_OR_ABOVE_COLUMNS = ["country_iso3", "at_or_above"]
HEATMAP_COLUMNS = [
    "country_iso3", "column", "indicator_code", "subject", "value", "mean", "diff", "std_diff",
]  # fmt: skip
SCATTER_COLUMNS = ["country_iso3", "x", "y"]


def gap_table(frame: pd.DataFrame, pair: str | tuple[str, str]) -> pd.DataFrame:
    """Group B minus group A per country having both, with a test when both SEs are known."""
    group_a, group_b = PAIRS[pair] if isinstance(pair, str) else pair
    if frame.empty:
        return empty_table(GAP_COLUMNS)
    per = one_per(frame[frame["group"].isin([group_a, group_b])], ["country_iso3", "group"])
    sides = [
        per[per["group"] == group].set_index("country_iso3")[["value", "se_used"]].add_suffix(suffix)
        for group, suffix in ((group_a, "_a"), (group_b, "_b"))
    ]
    out = sides[0].join(sides[1], how="inner").reset_index()
    if out.empty:
        return empty_table(GAP_COLUMNS)
    out["gap"] = out["value_b"].astype(float) - out["value_a"].astype(float)
    out["gap_se"] = np.sqrt(out["se_used_a"].astype(float) ** 2 + out["se_used_b"].astype(float) ** 2)
    z = out["gap"] / out["gap_se"].where(out["gap_se"] > 0)
    out["verdict"] = verdicts(z, ("significant", "not_significant", "significant"))
    out = out.sort_values(["gap", "country_iso3"], ascending=[False, True], kind="stable")
    return out[GAP_COLUMNS].reset_index(drop=True)


def _level_bars(per: pd.DataFrame, boundary: int) -> pd.DataFrame:
    """Start and end of each level's bar, centred on the minimum-proficiency boundary at 0."""
    right = per[per["level"] >= boundary].sort_values(["country_iso3", "level"])
    right = right.assign(end=right.groupby("country_iso3")["share"].cumsum())
    right["start"] = right["end"] - right["share"]
    left = per[per["level"] < boundary].sort_values(["country_iso3", "level"], ascending=[True, False])
    left = left.assign(start=-left.groupby("country_iso3")["share"].cumsum())
    left["end"] = left["start"] + left["share"]
    bars = pd.concat([left, right]).sort_values(["country_iso3", "level"])
    return bars[LEVEL_COLUMNS].reset_index(drop=True)


def levels_table(frame: pd.DataFrame, grade: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Level shares as bars around the boundary, and each country's share at or above it."""
    boundary = MIN_LEVEL[int(grade)]
    if frame.empty:
        return empty_table(LEVEL_COLUMNS), empty_table(AT_OR_ABOVE_COLUMNS)
    frame = frame.reset_index(drop=True)
    codes = frame["indicator_code"].astype(str)
    shares = frame[codes.str.fullmatch(r"level_[1-4]_pct")]
    shares = shares.assign(level=codes[shares.index].str[6].astype(int))
    per = one_per(shares, ["country_iso3", "level"]).rename(columns={"value": "share"})
    per["share"] = per["share"].astype(float)
    bars = _level_bars(per, boundary) if not per.empty else empty_table(LEVEL_COLUMNS)
    summed = per["share"].where(per["level"] >= boundary, 0.0).groupby(per["country_iso3"]).sum()
    published = one_per(frame[codes == "min_proficiency_pct"], ["country_iso3"])
    at = published.set_index("country_iso3")["value"].astype(float).combine_first(summed)
    if at.empty:
        return bars, empty_table(AT_OR_ABOVE_COLUMNS)
    at = at.rename("at_or_above").rename_axis("country_iso3").reset_index()
    at = at.sort_values(["at_or_above", "country_iso3"], ascending=[False, True], kind="stable")
    return bars, at.reset_index(drop=True)


def heatmap_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Each country's distance from the regional mean of every column, in country standard deviations."""
    if frame.empty:
        return empty_table(HEATMAP_COLUMNS)
    data = frame if "subject" in frame else frame.assign(subject=np.nan)
    per = one_per(data, ["country_iso3", "indicator_code", "subject"])
    per["value"] = per["value"].astype(float)
    has_subject = per["subject"].notna()
    per["column"] = per["indicator_code"].astype(str) + ("|" + per["subject"].astype(str)).where(
        has_subject, ""
    )
    by_column = per.groupby("column")["value"]
    per["mean"] = by_column.transform("mean")
    per["diff"] = per["value"] - per["mean"]
    sd = by_column.transform(lambda s: s.std(ddof=0))
    per["std_diff"] = (per["diff"] / sd.where(sd > 0)).fillna(0.0)
    per = per.sort_values(["column", "country_iso3"], kind="stable")
    return per[HEATMAP_COLUMNS].reset_index(drop=True)


def scatter_table(x_frame: pd.DataFrame, y_frame: pd.DataFrame) -> tuple[pd.DataFrame, float | None]:
    """Countries with both figures, and Pearson's r over them (None under three countries)."""
    x = one_per(x_frame, ["country_iso3"])[["country_iso3", "value"]].rename(columns={"value": "x"})
    y = one_per(y_frame, ["country_iso3"])[["country_iso3", "value"]].rename(columns={"value": "y"})
    table = x.merge(y, on="country_iso3", how="inner").sort_values("country_iso3")
    table = table.astype({"x": float, "y": float}).reset_index(drop=True)
    if len(table) < 3 or table["x"].std() == 0 or table["y"].std() == 0:
        return table[SCATTER_COLUMNS], None
    return table[SCATTER_COLUMNS], float(np.corrcoef(table["x"], table["y"])[0, 1])
