"""What a publish makes of a country's figures, before anything is written: the two modes, what
goes, and when that is a danger.

Layer: data_access, pure pandas (no store). A coordinator who types four figures into an empty
template means "these four", not "only these four": UPDATE (the default) replaces the figures the
file has and keeps every other; REPLACE makes the file the country's whole set. Whatever the mode,
figures that would go are named and must be confirmed (publish_results refuses otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from data_access.publishing.diff import (
    ADDED,
    CHANGED,
    COMPARED,
    DIFF_COLUMNS,
    KEY,
    REMOVED,
    STATUSES,
    UNCHANGED,
    diff_results,
    key_frame,
)

UPDATE, REPLACE = "update", "replace"
MODES = (UPDATE, REPLACE)
DANGER_SHARE = 0.2  # removing more than a fifth of a country's figures is shown as a danger
TEXT_FIELDS = ("source", "note")  # not compared by the diff, but a change is still a change
# LLECE's study cycles by year: a removal is named by the study people know it as.
STUDY_CYCLES = {1997: "PERCE", 2006: "SERCE", 2013: "TERCE", 2019: "ERCE"}


def cycle_label(year: int) -> str:
    """'TERCE 2013' for a known LLECE cycle, else the year."""
    study = STUDY_CYCLES.get(int(year))
    return f"{study} {int(year)}" if study else str(int(year))


def updated_with(active: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """ACTIVE's figures whose key (indicator, year, grade, subject, group) NEW lacks, then NEW's."""
    if active.empty:
        return new.reset_index(drop=True)
    keys = list(key_frame(new).columns)
    wanted = key_frame(new).drop_duplicates()
    side = key_frame(active).merge(wanted, on=keys, how="left", indicator=True)["_merge"]
    kept = active[side.eq("left_only").to_numpy()]
    if kept.empty:
        return new.reset_index(drop=True)
    return pd.concat([kept, new], ignore_index=True)


@dataclass(frozen=True)
class PublishPlan:
    """RESULT is the country's whole set after the publish; DIFF compares it with ACTIVE."""

    country_iso3: str
    mode: str
    result: pd.DataFrame
    diff: pd.DataFrame
    active_rows: int
    text_changed: bool  # a source or note differs where no figure does

    @cached_property
    def counts(self) -> dict[str, int]:
        counts = self.diff["status"].value_counts()
        return {status: int(counts.get(status, 0)) for status in STATUSES}

    @property
    def removed(self) -> pd.DataFrame:
        return self.diff[self.diff["status"] == REMOVED]

    @property
    def changes_content(self) -> bool:
        """False when the result holds exactly the published figures: no new version then."""
        counts = self.counts
        return bool(counts[ADDED] or counts[CHANGED] or counts[REMOVED] or self.text_changed)

    @property
    def cycles_removed(self) -> tuple[int, ...]:
        """Years the country had figures for and would have none after the publish."""
        before = set(self.diff.loc[self.diff["status"] != ADDED, "year"].astype(int))
        after = set(self.diff.loc[self.diff["status"] != REMOVED, "year"].astype(int))
        return tuple(sorted(before - after))

    @property
    def danger(self) -> bool:
        """A whole cycle goes, or more than a fifth of the country's figures."""
        removed = self.counts[REMOVED]
        return bool(self.cycles_removed) or (removed > 0 and removed > DANGER_SHARE * self.active_rows)

    def removed_summary(self) -> pd.DataFrame:
        """What goes, counted per study cycle and indicator (cycle, year, indicator_code, figures)."""
        removed = self.removed
        if removed.empty:
            return pd.DataFrame(columns=["cycle", "year", "indicator_code", "figures"])
        counts = removed.groupby(["year", "indicator_code"]).size().rename("figures").reset_index()
        counts.insert(0, "cycle", [cycle_label(y) for y in counts["year"]])
        return counts.sort_values(["year", "indicator_code"], ignore_index=True)

    def first_changes(self, limit: int = 5) -> pd.DataFrame:
        """The first changed figures, old and new values side by side."""
        return self.diff[self.diff["status"] == CHANGED].head(limit)


def plan_publish(
    country_iso3: str, active: pd.DataFrame, new: pd.DataFrame, mode: str = UPDATE
) -> PublishPlan:
    """What publishing NEW over ACTIVE (COUNTRY_ISO3's canonical rows) makes, in MODE."""
    if mode not in MODES:
        raise ValueError(f"unknown publish mode {mode!r}")
    result = updated_with(active, new) if mode == UPDATE else new.reset_index(drop=True)
    diff = diff_results(active, result) if len(active) else _all_added(result)
    unchanged_only = bool(len(diff)) and diff["status"].eq(UNCHANGED).all()
    text_changed = unchanged_only and _texts(active) != _texts(result)
    return PublishPlan(country_iso3, mode, result, diff, len(active), text_changed)


def _all_added(result: pd.DataFrame) -> pd.DataFrame:
    """A country's first version: every row is new, so the diff needs no merge (100,000 rows)."""
    columns: dict[str, object] = {name: result.get(name) for name in ("country_iso3", *KEY)}
    columns["status"] = ADDED
    for name in COMPARED:
        columns[f"old_{name}"] = float("nan")
        columns[f"new_{name}"] = result[name] if name in result else float("nan")
    return (
        pd.DataFrame(columns, index=result.index).reindex(columns=list(DIFF_COLUMNS)).reset_index(drop=True)
    )


def _texts(frame: pd.DataFrame) -> set[tuple]:
    keyed = key_frame(frame)
    for name in TEXT_FIELDS:
        values = frame[name].astype(object) if name in frame else pd.Series(None, index=frame.index)
        keyed[name] = [None if pd.isna(v) or v == "" else str(v) for v in values]
    return set(keyed.itertuples(index=False, name=None))
