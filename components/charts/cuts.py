"""Data for a chart view: cached cuts of the published results, country labels, translated
tables and the sources behind every figure.

Layer: components. Statistics happen in data_access.stats.comparisons; this module only loads, labels
and renames, so charts get small frames.
"""

from __future__ import annotations

import pandas as pd

from components.shell.data import (
    data_version,
    load_indicators,
    load_meeting_info,
    load_observations,
    when_texts,
)
from data_access.core.catalogues import country_name
from data_access.core.i18n import t
from data_access.stats.comparisons import is_provisional
from data_access.stats.views import View

SOURCE_COLUMNS = ("country", "version", "published", "source", "status")


def load_cut(
    indicator: str | None, year: int | None, grade: int | None, subject: str | None, group: str | None
) -> pd.DataFrame:
    """Published observations of one cut; None grade/subject means "not applicable" (NaN)."""
    frame = load_observations(
        data_version(), indicator_code=indicator, year=year, grade=grade, subject=subject, group=group
    )
    if grade is None:
        frame = frame[frame["grade"].isna()]
    if subject is None:
        frame = frame[frame["subject"].isna()]
    return frame


def view_cut(view: View, **changes: object) -> pd.DataFrame:
    """The cut a view names, with some fields changed (e.g. all groups for a gap)."""
    fields = {"indicator": view.indicator, "year": view.year, "grade": view.grade}
    fields |= {"subject": view.subject, "group": view.group, **changes}
    return load_cut(fields["indicator"], fields["year"], fields["grade"], fields["subject"], fields["group"])


def with_country(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """FRAME with a `country` column: the country's name in LANG (CLDR)."""
    out = frame.copy()
    out["country"] = [country_name(c, lang) for c in out["country_iso3"]]
    return out


def only_countries(frame: pd.DataFrame, countries: tuple[str, ...]) -> pd.DataFrame:
    """The rows of the chosen countries; no choice means all (the statistics are computed first)."""
    return frame[frame["country_iso3"].isin(countries)] if countries else frame


def indicator_info(code: str, lang: str) -> tuple[str, str, str]:
    """(name, unit, rule) of an indicator in LANG; the code itself when it is not catalogued."""
    indicators = load_indicators(data_version())
    if code not in indicators.index:
        return code, "score", ""
    row = indicators.loc[code]
    return str(row[f"name_{lang}"]), str(row["unit"]), str(row[f"rule_{lang}"] or "")


def indicator_directions() -> dict[str, bool | None]:
    """Higher is better (True), lower (False) or neither (None), per indicator code, as the stored
    catalogue says (organizers may edit it)."""
    indicators = load_indicators(data_version())
    return {str(code): None if pd.isna(h) else bool(h) for code, h in indicators["higher_is_better"].items()}


def sources_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Country, version, publish time, source and status of every figure behind a chart."""
    if frame.empty:
        return pd.DataFrame(columns=[t(f"table.{c}", lang) for c in SOURCE_COLUMNS])
    start = load_meeting_info(data_version()).start
    rows = frame.drop_duplicates(["country_iso3", "version", "source"]).sort_values("country_iso3")
    out = pd.DataFrame(
        {
            "country": [country_name(c, lang) for c in rows["country_iso3"]],
            "version": rows["version"].to_numpy(),
            "published": when_texts(rows["published_at"], lang),
            "source": rows["source"].fillna("").to_numpy(),
            "status": [
                t("compare.provisional" if is_provisional(w, start) else "compare.final", lang)
                for w in rows["published_at"]
            ],
        }
    )
    return out.rename(columns={c: t(f"table.{c}", lang) for c in SOURCE_COLUMNS})


def provisional_notes(frame: pd.DataFrame, lang: str) -> tuple[str, ...]:
    """The provisional warning when any figure was published during the meeting."""
    start = load_meeting_info(data_version()).start
    if any(is_provisional(w, start) for w in frame.get("published_at", [])):
        return (t("compare.provisional_note", lang),)
    return ()


def display_table(frame: pd.DataFrame, columns: dict[str, str], lang: str) -> pd.DataFrame:
    """The columns people see, in order, with headers in LANG (table.<key>)."""
    present = {source: key for source, key in columns.items() if source in frame.columns}
    out = frame[list(present)].copy()
    out = out.loc[:, [c for c in out.columns if out[c].notna().any()]]  # no SE anywhere: no SE column
    numbers = out.select_dtypes("number").columns
    out[numbers] = out[numbers].round(2)  # what people read; the store keeps full precision
    return out.rename(columns={source: t(f"table.{key}", lang) for source, key in present.items()})
