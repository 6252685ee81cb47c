"""Each /compare chart as a bundle: statistics from data_access, a chart from the builders, a
caption from the data, the table shown and its sources.

Layer: components. One function per chart type; `build_bundle` picks it from the view.
"""

from __future__ import annotations

import pandas as pd

from components.charts.cuts import (
    display_table,
    indicator_directions,
    indicator_info,
    only_countries,
    provisional_notes,
    sources_table,
    view_cut,
    with_country,
)
from components.charts.matrices import (
    build_map_chart,
)
from components.charts.panel import ChartBundle
from components.charts.series import build_gap_chart, build_ranking_chart, build_trend_chart
from data_access.core.catalogues import GROUPS, country_name
from data_access.core.i18n import t
from data_access.reports.open_data import figures_query
from data_access.stats import chart_text, comparisons, mine_text
from data_access.stats.direction import higher_is_better, tones
from data_access.stats.views import View

TREND_COLOURS = 8  # more lines than this are drawn in one grey
LEVEL_CODES = ("level_1_pct", "level_2_pct", "level_3_pct", "level_4_pct")
RANKING_COLUMNS = {
    "country": "country", "value": "value", "lo": "low", "hi": "high", "se_used": "se", "diff": "diff",
    "diff_se": "diff_se", "verdict_label": "verdict", "version": "version",
}  # fmt: skip


def bundle_name(view: View, *parts: object) -> str:
    """The downloads' file name stem: the chart type and the view's fields, blanks left out."""
    bits = [view.chart, *parts]
    return "_".join(str(b) for b in bits if b not in (None, ""))


def _with_verdicts(frame: pd.DataFrame, lang: str, higher: bool | None = None) -> pd.DataFrame:
    """Country names and verdict labels; with the indicator's direction (HIGHER is better or not),
    each tested verdict also reads better or worse, and a tone column colours it so (None:
    neither way is better, so a tested difference reads above or below, in neutral colours)."""
    out = with_country(frame, lang)
    out["verdict_label"] = [chart_text.verdict_label(v, lang, higher) for v in out["verdict"]]
    out["tone"] = tones(out["verdict"], higher)
    return out


def mine_name(view: View, lang: str) -> str | None:
    """The reader's own country as the charts and tables write it (None without one)."""
    return country_name(view.mine, lang) if view.mine else None


def mine_marks(view: View, lang: str) -> tuple[str, str] | None:
    """Where a bundle's table stars the reader's own country: its country column, the name."""
    return (t("table.country", lang), country_name(view.mine, lang)) if view.mine else None


def with_sentence(caption: str, sentence: str) -> str:
    """CAPTION followed by one more sentence (the reader's own country's), when there is one."""
    return f"{caption} {sentence}" if sentence else caption


def empty_bundle(view: View, lang: str) -> ChartBundle:
    """A bundle that only says there is nothing published for this view."""
    return ChartBundle(name=bundle_name(view), caption=t("compare.no_data", lang))


def _comparison(view: View) -> tuple[pd.DataFrame, comparisons.Comparison | None]:
    """The view's cut and every country against the regional mean (None when there is no data)."""
    frame = view_cut(view)
    return frame, (None if frame.empty else comparisons.compare_to_region(frame))


def ranking_bundle(view: View, lang: str) -> ChartBundle:
    """Countries ranked, with intervals, the regional mean and a verdict against it."""
    frame, comparison = _comparison(view)
    if comparison is None:
        return empty_bundle(view, lang)
    name, unit, _ = indicator_info(view.indicator, lang)
    higher = higher_is_better(view.indicator, indicator_directions())
    shown = _with_verdicts(only_countries(comparison.table, view.countries), lang, higher)
    focus = view.mine or (view.countries[0] if view.countries else None)
    return ChartBundle(
        name=bundle_name(view, view.indicator, view.grade, view.subject, view.year, view.group),
        caption=chart_text.caption_ranking(comparison, name, unit, lang, focus=focus, higher=higher),
        chart=build_ranking_chart(
            shown, comparison.mean, lang, sort=view.sort, value_title=name, mine=mine_name(view, lang)
        ),
        table=display_table(shown, RANKING_COLUMNS, lang),
        sources=sources_table(only_countries(frame, view.countries), lang),
        api=figures_query(frame, view.countries),
        notes=missing_notes(view, comparison.table, lang) + provisional_notes(frame, lang),
        mine=mine_marks(view, lang),
    )


def missing_notes(view: View, table: pd.DataFrame, lang: str) -> tuple[str, ...]:
    """Chosen countries without a figure for this view, named rather than silently left out."""
    missing = [c for c in view.countries if c not in set(table["country_iso3"])]
    if not missing:
        return ()
    return (
        t("compare.missing_countries", lang, countries=", ".join(country_name(c, lang) for c in missing)),
    )


def map_bundle(view: View, lang: str) -> ChartBundle:
    """The same comparison drawn on the map of the region."""
    frame, comparison = _comparison(view)
    if comparison is None:
        return empty_bundle(view, lang)
    name, unit, _ = indicator_info(view.indicator, lang)
    higher = higher_is_better(view.indicator, indicator_directions())
    shown = _with_verdicts(comparison.table, lang, higher)
    caption = chart_text.caption_map(comparison, name, unit, lang, higher=higher)
    if view.mine and comparison.countries > 1:
        caption = with_sentence(caption, chart_text.focus_sentence(comparison, view.mine, unit, lang, higher))
    return ChartBundle(
        name=bundle_name(view, view.indicator, view.grade, view.subject, view.year, view.group),
        caption=caption,
        chart=build_map_chart(shown, lang, value_title=name, higher=higher, mine=mine_name(view, lang)),
        table=display_table(shown, RANKING_COLUMNS, lang),
        sources=sources_table(frame, lang),
        api=figures_query(frame),
        notes=provisional_notes(frame, lang),
        mine=mine_marks(view, lang),
    )


def trend_bundle(view: View, lang: str) -> ChartBundle:
    """Every cycle of one indicator, with the change and whether it is significant."""
    frame = view_cut(view, year=None)
    if frame.empty:
        return empty_bundle(view, lang)
    name, unit, _ = indicator_info(view.indicator, lang)
    long, changes = comparisons.trend_table(frame)
    regional = comparisons.regional_trend(frame)
    long, changes = (
        with_country(only_countries(long, view.countries), lang),
        only_countries(changes, view.countries),
    )
    higher = higher_is_better(view.indicator, indicator_directions())
    changes = _with_verdicts(changes, lang, higher)
    columns = {"country": "country", "first_year": "first_year", "first": "first_value"}
    columns |= {"last_year": "last_year", "last": "last_value", "change": "change"}
    columns |= {"change_se": "change_se", "verdict_label": "verdict"}
    caption = chart_text.caption_trend(changes, regional, name, unit, lang, higher)
    if view.mine:
        caption = with_sentence(caption, mine_text.mine_trend(changes, view.mine, unit, lang, higher))
    return ChartBundle(
        name=bundle_name(view, view.indicator, view.grade, view.subject, view.group),
        caption=caption,
        chart=build_trend_chart(long, regional, lang, value_title=name, mine=mine_name(view, lang)),
        table=display_table(changes, columns, lang),
        sources=sources_table(only_countries(frame, view.countries), lang),
        api=figures_query(frame, view.countries),
        notes=_choose_note(long, lang) + provisional_notes(frame, lang),
        mine=mine_marks(view, lang),
    )


def _choose_note(long: pd.DataFrame, lang: str) -> tuple[str, ...]:
    many = long["country"].nunique() > TREND_COLOURS
    return (t("compare.trend_choose", lang, n=TREND_COLOURS),) if many else ()


def gap_bundle(view: View, lang: str) -> ChartBundle:
    """A breakdown pair per country as a dumbbell, with the gap and its test."""
    frame = view_cut(view, group=None)
    first, second = comparisons.PAIRS[view.pair]
    pair_frame = frame[frame["group"].isin((first, second))]
    if pair_frame.empty:
        return empty_bundle(view, lang)
    name, unit, _ = indicator_info(view.indicator, lang)
    gaps = _with_verdicts(only_countries(comparisons.gap_table(pair_frame, view.pair), view.countries), lang)
    label_a, label_b = GROUPS[first][lang], GROUPS[second][lang]
    columns = {"country": "country", "value_a": label_a, "value_b": label_b, "gap": "gap"}
    columns |= {"gap_se": "se", "verdict_label": "verdict"}
    table = gaps[[c for c in columns if c in gaps.columns]].rename(
        columns={
            c: (key if c.startswith("value_") else t(f"table.{key}", lang)) for c, key in columns.items()
        }
    )
    caption = chart_text.caption_gaps(gaps, view.pair, name, unit, lang)
    if view.mine:
        caption = with_sentence(caption, mine_text.mine_gap(gaps, view.mine, view.pair, unit, lang))
    return ChartBundle(
        name=bundle_name(view, view.indicator, view.grade, view.subject, view.year, view.pair),
        caption=caption,
        chart=build_gap_chart(gaps, label_a, label_b, lang, value_title=name, mine=mine_name(view, lang)),
        table=table,
        sources=sources_table(only_countries(pair_frame, view.countries), lang),
        api=figures_query(pair_frame, view.countries),
        notes=provisional_notes(pair_frame, lang),
        mine=mine_marks(view, lang),
    )
