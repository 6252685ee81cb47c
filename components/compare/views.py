"""The remaining /compare charts (performance levels, heatmap, scatter) and the one entry point
that turns a view into its bundle.

Layer: components.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.charts.cuts import (
    display_table,
    indicator_directions,
    indicator_info,
    load_cut,
    only_countries,
    provisional_notes,
    sources_table,
    view_cut,
    with_country,
)
from components.charts.levels import build_levels_chart
from components.charts.matrices import build_heatmap_chart, build_scatter_chart
from components.charts.panel import ChartBundle
from components.compare.bundles import (
    LEVEL_CODES,
    bundle_name,
    empty_bundle,
    gap_bundle,
    map_bundle,
    mine_marks,
    mine_name,
    ranking_bundle,
    trend_bundle,
    with_sentence,
)
from components.compare.filters import view_summary
from components.shell.data import data_version, load_cuts, load_indicators, load_observations
from data_access.core.catalogues import SUBJECTS
from data_access.core.i18n import t
from data_access.reports.open_data import figures_query
from data_access.stats import chart_text, comparisons, mine_text
from data_access.stats.direction import correlation_significant, higher_is_better, oriented
from data_access.stats.views import View

LEVEL_NAMES = ("I", "II", "III", "IV")


def levels_bundle(view: View, lang: str) -> ChartBundle:
    """Performance levels I-IV centred on the minimum-proficiency boundary, with its rule."""
    frame = load_cut(None, view.year, view.grade, view.subject, view.group)
    frame = frame[frame["indicator_code"].isin((*LEVEL_CODES, "min_proficiency_pct"))]
    if frame.empty or view.grade not in comparisons.MIN_LEVEL:
        return empty_bundle(view, lang)
    long, at_or_above = comparisons.levels_table(frame, view.grade)
    long = with_country(only_countries(long, view.countries), lang)
    long["level_label"] = [LEVEL_NAMES[int(level) - 1] for level in long["level"]]
    at_or_above = with_country(only_countries(at_or_above, view.countries), lang)
    wide = long.pivot_table(index="country", columns="level_label", values="share").reset_index()
    table = wide.merge(at_or_above[["country", "at_or_above"]], on="country").sort_values(
        "at_or_above", ascending=False
    )
    table = table.rename(
        columns={"country": t("table.country", lang), "at_or_above": t("table.at_or_above", lang)}
        | {n: f"{t('table.level', lang)} {n}" for n in LEVEL_NAMES}
    )
    _, _, rule = indicator_info("min_proficiency_pct", lang)
    notes = (t("compare.rule", lang, rule=rule),) if rule else ()
    caption = chart_text.caption_levels(at_or_above, view.grade, lang)
    if view.mine:
        caption = with_sentence(caption, mine_text.mine_levels(at_or_above, view.mine, view.grade, lang))
    return ChartBundle(
        name=bundle_name(view, "levels", view.grade, view.subject, view.year, view.group),
        caption=caption,
        mine=mine_marks(view, lang),
        chart=build_levels_chart(long, lang, mine=mine_name(view, lang)),
        table=table,
        sources=sources_table(only_countries(frame, view.countries), lang),
        api=figures_query(frame, view.countries),
        notes=notes + provisional_notes(frame, lang),
    )


def _domain_cut(view: View) -> tuple[int | None, int | None]:
    """The year and grade the heatmap uses: the view's when the domain has them, else its latest."""
    indicators = load_indicators(data_version())
    codes = set(indicators.index[indicators["domain"] == view.domain])
    cuts = load_cuts(data_version())
    cuts = cuts[cuts["indicator_code"].isin(codes) & (cuts["group"] == "total")]
    if cuts.empty:
        return None, None
    grades = cuts["grade"].dropna().astype(int)
    grade = view.grade if view.grade in set(grades) else (int(grades.max()) if len(grades) else None)
    years = cuts.loc[cuts["grade"] == grade if grade else cuts["grade"].isna(), "year"].astype(int)
    year = view.year if view.year in set(years) else (int(years.max()) if len(years) else None)
    return year, grade


def heatmap_bundle(view: View, lang: str) -> ChartBundle:
    """Countries x indicators of one domain, coloured by the distance from the regional mean."""
    year, grade = _domain_cut(view)
    indicators = load_indicators(data_version())
    codes = list(indicators.index[indicators["domain"] == view.domain])
    frame = load_any_subject(year, grade) if year else pd.DataFrame(columns=["indicator_code"])
    frame = frame[frame["indicator_code"].isin(codes)]
    if frame.empty:
        return empty_bundle(view, lang)
    table = with_country(only_countries(comparisons.heatmap_table(frame), view.countries), lang)
    names = {code: indicator_info(code, lang)[0] for code in table["indicator_code"].unique()}
    table["column_label"] = [
        names[code] + (f" · {SUBJECTS[s][lang]}" if isinstance(s, str) else "")
        for code, s in zip(table["indicator_code"], table["subject"], strict=True)
    ]
    directions = indicator_directions()
    higher = table["indicator_code"].map(lambda code: higher_is_better(code, directions))
    table["favour"] = oriented(table["std_diff"], higher)
    columns = {"country": "country", "column_label": "indicator", "value": "value", "mean": "mean"}
    shown = display_table(table, columns | {"diff": "diff"}, lang)
    caption = chart_text.caption_heatmap(table, lang, directions)
    if view.mine:
        caption = with_sentence(caption, mine_text.mine_heatmap(table, view.mine, lang, directions))
    return ChartBundle(
        name=bundle_name(view, view.domain, grade, year),
        caption=caption,
        mine=mine_marks(view, lang),
        chart=build_heatmap_chart(table, lang, mine=mine_name(view, lang)),
        table=shown,
        sources=sources_table(only_countries(frame, view.countries), lang),
        api=figures_query(frame, view.countries),
        notes=provisional_notes(frame, lang),
    )


def load_any_subject(year: int, grade: int | None) -> pd.DataFrame:
    """Group-total figures of every indicator and subject for one year and grade."""
    frame = load_observations(data_version(), year=year, grade=grade, group="total")
    return frame[frame["grade"].isna()] if grade is None else frame


def _axis_name(code: str, subject: str | None, lang: str) -> str:
    """An indicator with its subject ("Mean score · Reading"): reading against mathematics is
    the commonest scatter, and both axes are the same indicator."""
    name = indicator_info(code, lang)[0]
    return f"{name} · {SUBJECTS[subject][lang]}" if subject else name


def scatter_bundle(view: View, lang: str) -> ChartBundle:
    """Two indicators of the same year and grade against each other, with their correlation."""
    x_frame = view_cut(view)
    y_frame = load_cut(view.y, view.year, view.grade, view.ysubject, "total")
    if x_frame.empty or y_frame.empty:
        return empty_bundle(view, lang)
    table, r = comparisons.scatter_table(x_frame, y_frame)
    fit = correlation_significant(r, len(table))  # over every country with both figures, as r is
    table = with_country(only_countries(table, view.countries), lang)
    x_name, y_name = _axis_name(view.indicator, view.subject, lang), _axis_name(view.y, view.ysubject, lang)
    if y_name == x_name:  # the same figure on both axes: the table still needs two columns
        y_name = f"{y_name} (Y)"
    shown = display_table(table, {"country": "country", "x": "x", "y": "y"}, lang).rename(
        columns={t("table.x", lang): x_name, t("table.y", lang): y_name}
    )
    both = pd.concat([x_frame, y_frame])
    caption = chart_text.caption_scatter(table, r, x_name, y_name, lang, fit=fit)
    if view.mine:
        caption = with_sentence(caption, mine_text.mine_scatter(table, view.mine, x_name, y_name, lang))
    return ChartBundle(
        name=bundle_name(view, view.indicator, view.y, view.grade, view.year),
        caption=caption,
        mine=mine_marks(view, lang),
        chart=build_scatter_chart(table, r, x_name, y_name, lang, fit=fit, mine=mine_name(view, lang)),
        table=shown,
        sources=sources_table(only_countries(both, view.countries), lang),
        api=figures_query(both, view.countries),
        notes=provisional_notes(both, lang),
    )


BUNDLES: dict[str, Callable[[View, str], ChartBundle]] = {
    "ranking": ranking_bundle,
    "trend": trend_bundle,
    "gaps": gap_bundle,
    "levels": levels_bundle,
    "heatmap": heatmap_bundle,
    "map": map_bundle,
    "scatter": scatter_bundle,
}


BUNDLES_KEPT = 512  # views x languages held per process; a plenary looks at a few dozen


@st.cache_resource(show_spinner=False, max_entries=BUNDLES_KEPT)
def load_bundle(version: int, view: View, lang: str) -> ChartBundle:
    """VIEW's bundle with its specs, built once per (data version, view, language) per process and
    shared by every session: callers read it and never change it. VERSION only keys the cache."""
    return build_bundle(view, lang).prepared(lang)


def build_bundle(view: View, lang: str) -> ChartBundle:
    """The bundle for VIEW's chart type, titled as the filters describe it."""
    bundle = BUNDLES[view.chart](view, lang)
    bundle.title = f"{t(f'compare.chart.{view.chart}', lang)}: {view_summary(view, lang)}"
    return bundle
