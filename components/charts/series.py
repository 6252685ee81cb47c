"""Comparison charts, part one: ranking against the regional mean, trends, gaps and levels.

Layer: components. build_* functions take prepared tables (data_access.stats.comparisons plus a
translated `country` column) and return Altair charts; they never call Streamlit.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from components.charts.theme import (
    GROUP_COLORS,
    LABEL_LIMIT,
    MANY_LINES,
    REGIONAL_COLOR,
    ROW_HEIGHT,
    SERIES_COLORS,
    STROKE,
    TWO_LINE_ROW,
    VALUE_ROOM,
    VERDICT_LEGEND,
    bottom_legend,
    ensure_verdict_label,
    finish,
    is_mine,
    mine_band,
    mine_label_weight,
    mine_or,
    prepared,
    rows_height,
    verdict_color,
    with_interval_text,
    with_text,
    wrapped_labels,
)
from data_access.core.formatting import format_number
from data_access.core.i18n import fold, t

VERDICT_ORDER = ("above", "same", "below", "none")
DOT = {"filled": True, "opacity": 1, "stroke": STROKE}


def country_axis(order: list[str], mine: str | None = None) -> alt.Y:
    """Row labels: country names, or a pair of groups ("Niñas / Niños") on two lines; the reader's
    own country (MINE) in bold."""
    labels = wrapped_labels(" / ", " /")
    axis = alt.Axis(labelLimit=LABEL_LIMIT, ticks=False, labelExpr=labels, **mine_label_weight(mine))
    return alt.Y("country:N", sort=order, title=None, axis=axis)


def _value_x(field: str, title: str, room: int = 0) -> alt.X:
    """A value axis; ROOM pixels at each end keep value labels inside the plot."""
    scale = alt.Scale(zero=False, nice=True, padding=room) if room else alt.Scale(zero=False, nice=True)
    return alt.X(f"{field}:Q", title=title, scale=scale)


def _dot_emphasis(mine: str | None) -> dict:
    """The reader's own country's dot larger and ringed in black."""
    return {"size": mine_or(mine, 220, 120), "strokeWidth": mine_or(mine, 2.5, 1)}


def _value_labels(base: alt.Chart, field: str, text: str) -> alt.Chart:
    """Each row's figure written beside its mark (no hover on a touch screen)."""
    label = base.mark_text(align="left", dx=11, fontSize=11, color=REGIONAL_COLOR)
    return label.encode(x=alt.X(f"{field}:Q"), text=alt.Text(f"{text}:N"))


def _mean_layers(mean: float | None, lang: str) -> list[alt.Chart]:
    """A dashed vertical rule at the regional mean and, above the plot, its label with the value."""
    if mean is None or mean != mean:
        return []
    label = t("axes.regional_mean", lang, value=format_number(mean, lang))
    marker = pd.DataFrame({"mean": [mean], "label": [label]})
    base = alt.Chart(marker).encode(x=alt.X("mean:Q"))
    rule = base.mark_rule(color=REGIONAL_COLOR, strokeDash=[6, 4], size=1.5)
    text = base.mark_text(baseline="bottom", dy=-6, fontSize=12, fontWeight="bold", color=REGIONAL_COLOR)
    return [rule, text.encode(y=alt.YValue(0), text=alt.Text("label:N"))]


def build_ranking_chart(
    table: pd.DataFrame,
    mean: float | None,
    lang: str,
    sort: str = "value",
    value_title: str = "",
    mine: str | None = None,
) -> alt.LayerChart:
    """Countries ranked by value: dots coloured by verdict, 95 % intervals, the regional mean rule,
    each value written beside its interval, and the reader's own country (MINE) on a band.

    Needs country, value; uses lo, hi, verdict, verdict_label and value_text when present
    (value_text and ci_text are written for LANG when missing). SORT: "value" or "name".
    """
    data = prepared(table, ("country", "value", "lo", "hi"))
    ensure_verdict_label(data)
    with_text(data, lang, "value")
    with_interval_text(data, lang)
    if sort == "value":
        order = list(data.sort_values("value", ascending=False)["country"])
    else:
        order = sorted(data["country"], key=fold)
    title = value_title or t("axes.value", lang)
    y = country_axis(order, mine)
    base = alt.Chart(data).encode(y=y)
    tooltip = [
        alt.Tooltip("country:N", title=t("axes.country", lang)),
        alt.Tooltip("value_text:N", title=title),
        alt.Tooltip("ci_text:N", title=t("axes.ci", lang)),
        alt.Tooltip("verdict_label:N", title=t("axes.verdict", lang)),
    ]
    data["label_at"] = data["hi"].where(data["hi"].notna(), data["value"])  # right of the interval
    x = _value_x("lo", title, VALUE_ROOM)
    interval = base.mark_rule(color=STROKE, size=2).encode(x=x, x2=alt.X2("hi:Q"))
    dots = base.mark_point(**DOT).encode(
        x=_value_x("value", title, VALUE_ROOM),
        color=verdict_color(data, VERDICT_ORDER, t("axes.verdict", lang)),
        tooltip=tooltip,
        **_dot_emphasis(mine),
    )
    labels = _value_labels(base, "label_at", "value_text")
    chart = alt.layer(*mine_band(mine, data, y), interval, dots, labels, *_mean_layers(mean, lang))
    return finish(chart, lang, rows_height(len(data), VERDICT_LEGEND))


def _series_color(countries: list[str], lang: str, mine: str | None = None) -> alt.Color | alt.ColorValue:
    """Up to eight countries get Okabe-Ito colours and a legend; more would not be told apart, so
    they are drawn in one grey (the tooltip names each line, the reader's own is blue) and the page
    suggests choosing."""
    if len(countries) > len(SERIES_COLORS):
        if mine in countries:
            return alt.ColorValue(MANY_LINES, condition={"test": is_mine(mine), "value": SERIES_COLORS[0]})
        return alt.ColorValue(MANY_LINES)
    scale = alt.Scale(domain=countries, range=list(SERIES_COLORS[: len(countries)]))
    legend = alt.Legend(orient="bottom", direction="vertical", columns=2, labelLimit=150)
    return alt.Color("country:N", title=t("axes.country", lang), scale=scale, legend=legend)


def _regional_layers(regional: pd.DataFrame, lang: str) -> list[alt.Chart]:
    """The regional mean per year as a dark dashed line, labelled at its last year."""
    if regional.empty:
        return []
    data = prepared(regional, ("year", "mean"))
    with_text(data, lang, "mean")
    data["label"] = t("axes.regional", lang)
    base = alt.Chart(data).encode(x=alt.X("year:O"), y=alt.Y("mean:Q"))
    tooltip = [
        alt.Tooltip("year:O", title=t("axes.year", lang)),
        alt.Tooltip("mean_text:N", title=data["label"][0]),
    ]
    dash = alt.StrokeDash(
        "label:N", title=None, scale=alt.Scale(range=[[6, 4]]), legend=alt.Legend(orient="top")
    )
    line = base.mark_line(color=REGIONAL_COLOR, size=2.5).encode(strokeDash=dash)
    dots = base.mark_point(filled=True, shape="diamond", size=90, color=REGIONAL_COLOR).encode(
        tooltip=tooltip
    )
    return [line, dots]


def build_trend_chart(
    long: pd.DataFrame, regional: pd.DataFrame, lang: str, value_title: str = "", mine: str | None = None
) -> alt.LayerChart:
    """Value by year, one coloured line per country, 95 % intervals, the regional mean dashed; the
    reader's own country (MINE) drawn thicker, on top.

    LONG needs country, year, value (lo, hi, value_text optional); REGIONAL needs year, mean.
    """
    data = prepared(long, ("country", "year", "value", "lo", "hi"))
    with_text(data, lang, "value")
    title = value_title or t("axes.value", lang)
    countries = sorted(data["country"].dropna().unique(), key=fold)
    x = alt.X("year:O", title=t("axes.year", lang), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=title, scale=alt.Scale(zero=False, nice=True))
    # detail keeps one line per country also when they all share one grey
    colour = _series_color(countries, lang, mine)
    base = alt.Chart(data).encode(x=x, color=colour, detail=alt.Detail("country:N"))
    tooltip = [
        alt.Tooltip("country:N", title=t("axes.country", lang)),
        alt.Tooltip("year:O", title=t("axes.year", lang)),
        alt.Tooltip("value_text:N", title=title),
    ]
    on_top = {"order": mine_or(mine, 1, 0)} if mine in countries else {}
    lines = base.mark_line().encode(y=y, strokeWidth=mine_or(mine, 5, 2), **on_top)
    dots = base.mark_point(filled=True, opacity=1).encode(y=y, tooltip=tooltip, size=mine_or(mine, 150, 70))
    bars = base.mark_rule(size=1.5).encode(y=alt.Y("lo:Q"), y2=alt.Y2("hi:Q"))
    chart = alt.layer(bars, lines, dots, *_regional_layers(regional, lang))
    legend_rows = (len(countries) + 1) // 2 if len(countries) <= len(SERIES_COLORS) else 0
    return finish(chart, lang, 330 + 20 * legend_rows)


def _gap_frame(gaps: pd.DataFrame, lang: str) -> pd.DataFrame:
    data = prepared(gaps, ("country", "value_a", "value_b", "gap"))
    for column in ("value_a", "value_b"):
        with_text(data, lang, column)
    with_text(data, lang, "gap", signed=True)
    if "verdict_label" not in data.columns:
        data["verdict_label"] = ""
    return data


def build_gap_chart(
    gaps: pd.DataFrame, label_a: str, label_b: str, lang: str, value_title: str = "", mine: str | None = None
) -> alt.LayerChart:
    """Dumbbells: per country a rule from group A's value to group B's, one dot per group, the gap
    written at the right, and the reader's own country (MINE) on a band.

    Needs country, value_a, value_b, gap (in the order to show); verdict_label and the *_text
    columns are used when present.
    """
    data = _gap_frame(gaps, lang)
    title = value_title or t("axes.value", lang)
    order = list(data["country"])
    points = pd.concat(
        [
            data.assign(group=label, value=data[f"value_{side}"], value_text=data[f"value_{side}_text"])
            for side, label in (("a", label_a), ("b", label_b))
        ],
        ignore_index=True,
    )
    gap_title = t("axes.gap", lang, a=label_a, b=label_b)
    y = country_axis(order, mine)
    data["label_at"] = data[["value_a", "value_b"]].max(axis=1)
    rule = (
        alt.Chart(data)
        .mark_rule(color=STROKE, size=2.5, opacity=0.6)
        .encode(y=y, x=_value_x("value_a", title, VALUE_ROOM), x2=alt.X2("value_b:Q"))
    )
    gap_labels = _value_labels(alt.Chart(data).encode(y=y), "label_at", "gap_text")
    colour = alt.Color(
        "group:N",
        title=t("axes.group", lang),
        scale=alt.Scale(domain=[label_a, label_b], range=list(GROUP_COLORS)),
        legend=bottom_legend(),
    )
    tooltip = [
        alt.Tooltip("country:N", title=t("axes.country", lang)),
        alt.Tooltip("group:N", title=t("axes.group", lang)),
        alt.Tooltip("value_text:N", title=title),
        alt.Tooltip("gap_text:N", title=gap_title),
        alt.Tooltip("verdict_label:N", title=t("axes.significance", lang)),
    ]
    dots = (
        alt.Chart(points)
        .mark_point(**DOT)
        .encode(
            y=y, x=_value_x("value", title, VALUE_ROOM), color=colour, tooltip=tooltip, **_dot_emphasis(mine)
        )
    )
    pairs = any(" / " in str(label) for label in order)  # a country's pairs of groups, on two lines
    height = rows_height(len(data), row=TWO_LINE_ROW if pairs else ROW_HEIGHT)
    return finish(alt.layer(*mine_band(mine, data, y), rule, dots, gap_labels), lang, height)
