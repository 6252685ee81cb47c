"""A country's profile chart: its difference from the regional mean, indicator by indicator.

Layer: components. Takes a prepared profile table and returns an Altair chart; never calls
Streamlit.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from components.charts.matrices import country_axis
from components.charts.theme import (
    REGIONAL_COLOR,
    STROKE,
    TWO_LINE_ROW,
    VALUE_ROOM,
    VERDICT_LEGEND,
    ensure_verdict_label,
    finish,
    prepared,
    rows_height,
    verdict_color,
    with_text,
)
from data_access.core.i18n import t


def build_profile_chart(profile: pd.DataFrame, lang: str) -> alt.LayerChart:
    """A country's difference from the regional mean per indicator row, coloured by verdict.

    Needs row_label, diff, verdict, verdict_label (a tone column colours by better or worse);
    plots std_diff instead of diff when present;
    value_text, mean_text and diff_text are written for LANG when missing.
    """
    field = "std_diff" if "std_diff" in profile.columns else "diff"
    data = prepared(profile, ("row_label", field))
    ensure_verdict_label(data)
    with_text(data, lang, "diff", signed=True)
    for column in ("value", "mean"):
        with_text(data, lang, column)
        if f"{column}_text" not in data.columns:
            data[f"{column}_text"] = "–"
    key = "axes.std_difference" if field == "std_diff" else "axes.difference"
    # the title ends at the plot's right edge and may reach over the labels: whole on a phone
    axis = alt.Axis(titleAnchor="end", titleLimit=400, tickCount=5, labelOverlap="greedy")
    scale = alt.Scale(zero=True, nice=True, padding=VALUE_ROOM)  # room for the figures at the bars' ends
    x = alt.X(f"{field}:Q", title=t(key, lang), scale=scale, axis=axis)
    tooltip = [
        alt.Tooltip("row_label:N", title=t("axes.indicator", lang)),
        alt.Tooltip("value_text:N", title=t("axes.value", lang)),
        alt.Tooltip("mean_text:N", title=t("axes.regional", lang)),
        alt.Tooltip("diff_text:N", title=t("axes.difference", lang)),
        alt.Tooltip("verdict_label:N", title=t("axes.verdict", lang)),
    ]
    colour = verdict_color(data, ("above", "same", "below", "none"), t("axes.verdict", lang))
    bars = (
        alt.Chart(data)
        .mark_bar(height=14, stroke=STROKE, strokeWidth=0.5)
        .encode(y=country_axis(list(data["row_label"]), "row_label"), x=x, color=colour, tooltip=tooltip)
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="black", size=1.5).encode(x=alt.X("x:Q"))
    # the country's own figure at each bar's end, outside it (no hover on a touch screen)
    figures = [
        alt.Chart(data)
        .transform_filter(f"datum.{field} {sign} 0")
        .mark_text(align=align, dx=dx, fontSize=11, color=REGIONAL_COLOR)
        .encode(
            y=alt.Y("row_label:N", sort=list(data["row_label"])), x=alt.X(f"{field}:Q"), text="value_text:N"
        )
        for sign, align, dx in ((">=", "left", 4), ("<", "right", -4))
    ]
    layers = alt.layer(bars, zero, *figures)
    return finish(layers, lang, rows_height(len(data), VERDICT_LEGEND, TWO_LINE_ROW))
