"""The performance-levels chart: levels I-IV as bars centred on the minimum level.

Layer: components. Takes comparisons.levels_table's long table with a translated `country`
column and returns an Altair chart; never calls Streamlit.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from components.charts.series import country_axis
from components.charts.theme import (
    LEVEL_COLORS,
    MINE_INK,
    REGIONAL_COLOR,
    ROMAN,
    bottom_legend,
    finish,
    mine_or,
    prepared,
    rows_height,
    with_text,
)
from data_access.core.i18n import t

SHARE_LABEL_PX = 26  # a level's bar this many pixels wide has room for its share ("45,3")


def _level_frame(long: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """LONG with level labels and share text; the country order (most at or above the minimum first)."""
    data = prepared(long, ("country", "level", "share", "start", "end"))
    with_text(data, lang, "share")
    labels = [t("axes.level_name", lang, level=roman) for roman in ROMAN]
    data["level_label"] = [labels[int(v) - 1] if v == v else "" for v in data["level"]]
    right = data[data["start"] >= 0].groupby("country")["share"].sum()
    order = list(right.sort_values(ascending=False, kind="stable").index)
    order += [c for c in data["country"].unique() if c not in right.index]
    return data, labels, order


def build_levels_chart(long: pd.DataFrame, lang: str, mine: str | None = None) -> alt.LayerChart:
    """Levels I-IV as bars centred on the minimum level: below it to the left, at or above to the
    right, each share written in its bar when it fits; the reader's own country (MINE) outlined.

    Needs country, level (1-4), share, start, end (as comparisons.levels_table makes them).
    """
    data, labels, order = _level_frame(long, lang)
    ends = pd.concat([data["start"].abs(), data["end"].abs()]).dropna()
    reach = min(100, -(-max(ends.max() if len(ends) else 0, 50) // 20) * 20)  # symmetric: 0 in the middle
    x = alt.X(
        "start:Q",
        title=t("axes.share", lang),
        axis=alt.Axis(labelExpr="format(abs(datum.value), 'd')"),
        scale=alt.Scale(domain=[-reach, reach]),
    )
    colour = alt.Color(
        "level_label:N",
        title=t("axes.level", lang),
        scale=alt.Scale(domain=labels, range=list(LEVEL_COLORS)),
        legend=bottom_legend(columns=2),
    )
    tooltip = [
        alt.Tooltip("country:N", title=t("axes.country", lang)),
        alt.Tooltip("level_label:N", title=t("axes.level", lang)),
        alt.Tooltip("share_text:N", title=t("axes.share", lang)),
    ]
    y = country_axis(order, mine)
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=y, x=x, x2=alt.X2("end:Q"), color=colour, tooltip=tooltip,
            stroke=mine_or(mine, MINE_INK, "white"), strokeWidth=mine_or(mine, 2, 0.5),
        )
    )  # fmt: skip
    data["middle"] = (data["start"] + data["end"]) / 2
    # a share is written in its bar only where the bar is wide enough for it at the chart's width
    fits = f"datum.share * width / {2 * reach} >= {SHARE_LABEL_PX}"
    ink = alt.ColorValue(
        "white", condition={"test": "datum.level == 2 || datum.level == 3", "value": "black"}
    )
    inside = alt.condition(fits, alt.Text("share_text:N"), alt.value(""))
    shares = alt.Chart(data).mark_text(fontSize=10).encode(y=y, x=alt.X("middle:Q"), text=inside, color=ink)
    text = {"baseline": "bottom", "dy": -6, "fontSize": 12, "color": REGIONAL_COLOR, "y": 0}
    layers = [bars, shares]
    for key, align, dx in (("axes.below_min", "right", -4), ("axes.at_or_above_min", "left", 4)):
        side = alt.Chart(pd.DataFrame({"x": [0], "label": [t(key, lang)]}))
        layers.append(
            side.mark_text(align=align, dx=dx, **text).encode(x=alt.X("x:Q"), text=alt.Text("label:N"))
        )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="black", size=1.5).encode(x=alt.X("x:Q"))
    chart = alt.layer(*layers, zero)
    return finish(chart, lang, rows_height(len(order)))
