"""What a new results file changes against the published version: row by row, and per indicator.

Layer: data_access, pure pandas (no store). One vectorised outer merge on the observation key, so
a 100,000-row comparison takes a fraction of a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY = ("indicator_code", "year", "grade", "subject", "group")
COMPARED = ("value", "se", "ci_low", "ci_high", "n")
ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
STATUSES = (ADDED, REMOVED, CHANGED, UNCHANGED)
DIFF_COLUMNS = (
    "country_iso3",
    *KEY,
    "status",
    *(f"{side}_{name}" for name in COMPARED for side in ("old", "new")),
)
# Null grades and subjects must match each other whatever their dtype (None, NaN, pd.NA): sentinels.
_NO_GRADE = -1
_NO_TEXT = "\ue000"  # a private-use character: never a subject, group or country code


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """The key with sentinels for nulls, and the compared columns as floats (NaN for missing)."""
    out = pd.DataFrame(index=frame.index)
    out["country_iso3"] = _text(frame, "country_iso3")
    out["indicator_code"] = _text(frame, "indicator_code")
    out["year"] = pd.to_numeric(frame["year"]).astype("int64")
    grade = pd.to_numeric(frame["grade"]) if "grade" in frame else pd.Series(np.nan, index=frame.index)
    out["grade"] = grade.fillna(_NO_GRADE).astype("int64")
    out["subject"] = _text(frame, "subject")
    out["group"] = _text(frame, "group").replace(_NO_TEXT, "total")
    for name in COMPARED:
        values = frame[name] if name in frame else pd.Series(np.nan, index=frame.index)
        out[name] = pd.to_numeric(values).astype("float64")
    return out


def key_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """FRAME's observation keys (country and KEY), nulls as sentinels so they match each other."""
    return _keyed(frame)[["country_iso3", *KEY]]


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(_NO_TEXT, index=frame.index, dtype=object)
    values = frame[column].astype(object)
    return values.where(values.notna(), _NO_TEXT).astype(str)


def diff_results(active: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Each key of either frame: added, removed, changed (any compared field) or unchanged."""
    merged = _keyed(active).merge(
        _keyed(new), on=["country_iso3", *KEY], how="outer", suffixes=("_old", "_new"), indicator=True
    )
    differs = np.zeros(len(merged), dtype=bool)
    for name in COMPARED:
        old, fresh = merged[f"{name}_old"], merged[f"{name}_new"]
        differs |= (old.ne(fresh) & ~(old.isna() & fresh.isna())).to_numpy()
    side = merged.pop("_merge")
    merged["status"] = np.select(
        [side.eq("right_only"), side.eq("left_only"), differs], [ADDED, REMOVED, CHANGED], UNCHANGED
    )
    merged = merged.rename(
        columns={f"{n}_{s}": f"{s}_{n}" for n in COMPARED for s in ("old", "new")}
    ).sort_values(["country_iso3", *KEY], kind="stable")
    return _restore_nulls(merged)[list(DIFF_COLUMNS)].reset_index(drop=True)


def _restore_nulls(merged: pd.DataFrame) -> pd.DataFrame:
    """The sentinels back to nulls, counts back to nullable integers."""
    for column in ("country_iso3", "subject"):
        merged[column] = merged[column].astype(object).mask(merged[column].eq(_NO_TEXT), None)
    merged["grade"] = merged["grade"].astype("Int64").mask(merged["grade"].eq(_NO_GRADE))
    for column in ("old_n", "new_n"):
        merged[column] = merged[column].round().astype("Int64")
    return merged


def summarize_diff(diff: pd.DataFrame) -> pd.DataFrame:
    """Per indicator, how many rows were added, removed, changed and left unchanged."""
    counts = (
        diff.groupby(["indicator_code", "status"]).size().unstack("status", fill_value=0)
        if len(diff)
        else pd.DataFrame(index=pd.Index([], name="indicator_code"))
    )
    counts = counts.reindex(columns=list(STATUSES), fill_value=0).astype("int64")
    counts.columns.name = None
    return counts.reset_index()
