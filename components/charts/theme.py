"""Shared look of the comparison charts: palette, sizes, number locale and text columns.

Layer: components. Used by series.py and matrices.py; never calls Streamlit.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
from altair.utils.schemapi import disable_debug_mode

import components.charts.data  # noqa: F401  (chart data converted the cheap way, see there)
from data_access.core.formatting import format_number

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
VERDICT_COLORS = {
    "above": "#0072B2",
    # Tested and not different is light grey; not tested (no standard error, the common case in
    # published files) is dark grey, so it reads on a projector and never looks like "same".
    "same": "#BDBDBD",
    "below": "#D55E00",
    "none": "#5F5F5F",
    "up": "#0072B2",
    "down": "#D55E00",
    "better": "#0072B2",  # a tested difference read with the indicator's direction
    "worse": "#D55E00",
    "higher": "#8E6AA8",  # a tested difference where neither way is better: no blue or orange
    "lower": "#A6761D",
    "significant": "#0072B2",
    "not_significant": "#BDBDBD",
}
LEVEL_COLORS = ("#D55E00", "#E69F00", "#56B4E9", "#0072B2")
GROUP_COLORS = ("#E69F00", "#0072B2")
SERIES_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
REGIONAL_COLOR = "#333333"
MANY_LINES = "#A6A6A6"  # one grey for every line when there are too many to colour apart
STROKE = "#4D4D4D"  # outline so pale and grey dots stay visible on white
NO_DATA = "#E3E3E3"
HEATMAP_SCHEME = "blueorange"
MAP_SCHEME = "viridis"
ROMAN = ("I", "II", "III", "IV")
MINE_FILL = "#FFE8A3"  # the band behind the reader's own country (a soft yellow, under any palette)
MINE_INK = "#000000"

ROW_HEIGHT = 22
TWO_LINE_ROW = 34  # a row whose label breaks into two lines
# Room for the glyphs of edge titles (measured in the browser); an object, since Streamlit adds to it
EDGE_PADDING = {"left": 6, "top": 6, "right": 6, "bottom": 6}
AXES_AND_LEGEND = 110  # Streamlit fits axes and the legend inside the chart's height
VERDICT_LEGEND = 160  # axes plus a one-column legend of up to four verdicts
VALUE_ROOM = 46  # pixels kept at each end of a value axis for the value labels beside the marks
LABEL_LIMIT = 190  # "San Vicente y las Granadinas" at 12 px, unclipped
FONT = 12

# Altair checks every schema object against the Vega-Lite schema as it is built (its "debug
# mode"): about a tenth of a new chart's CPU, for errors the builders' tests already catch
# (they call to_dict(), which validates the whole spec). Served pages skip it.
disable_debug_mode()

# d3 number locales, so axis labels read "741,2" in Spanish and Portuguese.
NUMBER_LOCALES = {
    "es": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", ""]},
    "pt": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]},
}


def prepared(table: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A copy of TABLE with every column in COLUMNS (missing ones empty), so empty tables chart too."""
    frame = table.copy()
    for column in columns:
        if column not in frame.columns:
            frame[column] = pd.Series(dtype="float64" if column not in ("country", "verdict") else "str")
    return frame.reset_index(drop=True)


SOFT_BREAK = "\u200b"  # a zero-width space: where a row label may break, invisible elsewhere


def two_lines(text: str, longest: int = 30) -> str:
    """TEXT with a soft break at the space nearest its middle when it is longer than LONGEST
    characters, so a row label reads whole on two lines (see wrapped_labels)."""
    if len(text) <= longest:
        return text
    spaces = [at for at, char in enumerate(text) if char == " "]
    if not spaces:
        return text
    middle = min(spaces, key=lambda at: abs(at - len(text) / 2))
    return text[: middle + 1] + SOFT_BREAK + text[middle + 1 :]


def wrapped_labels(separator: str, keep: str = "") -> str:
    """A labelExpr that breaks a long row label into lines at SEPARATOR (KEEP stays at the end of
    each line but the last): long names stay whole instead of ending in an ellipsis."""
    joint = separator.replace("'", "\\'")
    return f"split(replace(datum.label, '{joint}', '{keep}\\n'), '\\n')"


def rows_height(rows: int, extra: int = AXES_AND_LEGEND, row: int = ROW_HEIGHT) -> int:
    """Chart height for ROWS rows of ROW pixels (more for two-line labels): grows with the rows,
    never below a readable minimum."""
    return row * max(rows, 4) + extra


def with_text(frame: pd.DataFrame, lang: str, column: str, decimals: int = 1, signed: bool = False) -> None:
    """Add COLUMN_text (numbers written for LANG) unless the caller already did."""
    target = f"{column}_text"
    if target in frame.columns or column not in frame.columns:
        return
    texts = [format_number(v, lang, decimals) for v in frame[column]]
    if signed:
        texts = [
            f"+{s}" if v == v and v is not None and v > 0 else s
            for s, v in zip(texts, frame[column], strict=True)
        ]
    frame[target] = pd.Series(texts, index=frame.index, dtype="str")


def with_interval_text(frame: pd.DataFrame, lang: str) -> None:
    """Add ci_text ("700,1 – 780,3") from lo/hi; empty where there is no interval."""
    if "ci_text" in frame.columns:
        return
    if not {"lo", "hi"} <= set(frame.columns):
        frame["ci_text"] = ""
        return
    frame["ci_text"] = [
        f"{format_number(lo, lang)} – {format_number(hi, lang)}" if lo == lo and hi == hi else "–"
        for lo, hi in zip(frame["lo"], frame["hi"], strict=True)
    ]


def verdict_color(table: pd.DataFrame, order: tuple[str, ...], title: str) -> alt.Color:
    """Colour by verdict_label (the caller's translation of verdict) in the shared palette; with a
    tone column (better, worse: the verdict read with the indicator's direction) by that instead."""
    key = ["verdict", "tone"] if "tone" in table.columns else ["verdict"]
    seen = table.drop_duplicates(key)
    rank = {v: n for n, v in enumerate(order)}
    seen = seen[seen["verdict"].isin(rank)].sort_values("verdict", key=lambda s: s.map(rank), kind="stable")
    colours = seen["tone"] if "tone" in seen.columns else seen["verdict"]  # better/worse when known
    return alt.Color(
        "verdict_label:N",
        title=title,
        scale=alt.Scale(domain=list(seen["verdict_label"]), range=[VERDICT_COLORS[c] for c in colours]),
        legend=bottom_legend(),
    )


def ensure_verdict_label(frame: pd.DataFrame) -> None:
    """Fall back to the verdict code as its own label when the caller gave none."""
    if "verdict" not in frame.columns:
        frame["verdict"] = "none"
    if "verdict_label" not in frame.columns:
        frame["verdict_label"] = frame["verdict"].astype(str)


def bottom_legend(columns: int = 1) -> alt.Legend:
    """A legend under the plot; one column by default, so long labels fit a 390 px phone."""
    return alt.Legend(orient="bottom", direction="vertical", columns=columns, labelLimit=240)


def finish(chart: alt.TopLevelMixin, lang: str, height: int) -> alt.TopLevelMixin:
    """Container width, HEIGHT, readable fonts and the language's number format. Set on CHART
    itself (a fresh object from a builder): each .properties()/.configure_*() call on a layered
    chart rebuilds it with deep copies of every layer, a fifth of a cold chart's cost."""
    chart.width, chart.height = "container", height
    if chart.padding is alt.Undefined:  # room for the glyphs of edge titles (measured in the browser)
        chart.padding = dict(EDGE_PADDING)
    chart.config = alt.Config(
        locale={"number": NUMBER_LOCALES.get(lang, NUMBER_LOCALES["es"])},
        axis=alt.AxisConfig(
            labelFontSize=FONT, titleFontSize=FONT + 1, labelLimit=LABEL_LIMIT, titlePadding=8
        ),
        legend=alt.LegendConfig(labelFontSize=FONT, titleFontSize=FONT, symbolSize=120, titleLimit=360),
        title=alt.TitleConfig(fontSize=FONT + 2, anchor="start"),
        view=alt.ViewConfig(stroke=None),
        axisQuantitative=alt.AxisConfig(tickCount=8, labelOverlap=True),
    )
    return chart


# How far apart (as shares of each axis's range) two labelled dots must be for both labels to fit
# on a 390 px phone: a three-letter code is about a tenth of the plot wide and 1/25 of it high.
LABEL_ROOM = (0.11, 0.045)


def thinned_labels(data: pd.DataFrame, first: str | None = None) -> list[str]:
    """Each dot's label, or "" where it would overlap a label already placed (the tooltip still
    names that country): placed left to right, as a reader scans, after the dot whose `country`
    is FIRST (the reader's own, always labelled)."""
    xs, ys = data["x"].astype(float), data["y"].astype(float)
    span_x, span_y = (xs.max() - xs.min()) or 1.0, (ys.max() - ys.min()) or 1.0
    placed: list[tuple[float, float]] = []
    shown = [""] * len(data)
    own = list(data["country"] == first) if first and "country" in data.columns else [False] * len(data)
    for at in sorted(range(len(data)), key=lambda i: (not own[i], xs.iloc[i], ys.iloc[i])):
        x, y = (xs.iloc[at] - xs.min()) / span_x, (ys.iloc[at] - ys.min()) / span_y
        if x != x or y != y:
            continue
        if all(abs(x - px) >= LABEL_ROOM[0] or abs(y - py) >= LABEL_ROOM[1] for px, py in placed):
            placed.append((x, y))
            shown[at] = str(data["label"].iloc[at])
    return shown


def is_mine(mine: str | None, field: str = "country") -> str:
    """A Vega expression true on MINE's row (matched on the label people read)."""
    return f"datum[{json.dumps(field)}] === {json.dumps(mine, ensure_ascii=False)}"


def mine_label_weight(mine: str | None) -> dict:
    """Axis properties that set MINE's row label in bold (nothing without a country)."""
    if not mine:
        return {}
    test = f"datum.value === {json.dumps(mine, ensure_ascii=False)}"
    return {"labelFontWeight": {"condition": {"test": test, "value": "bold"}, "value": "normal"}}


def mine_band(mine: str | None, data: pd.DataFrame, y: alt.Y, field: str = "country") -> list[alt.Chart]:
    """A soft band across MINE's row, drawn under the marks; none when it has no row here (a band
    of its own would add an empty row)."""
    if not mine or mine not in set(data[field]):
        return []
    band = alt.Chart(pd.DataFrame({field: [mine]})).mark_rect(color=MINE_FILL)
    return [band.encode(y=y)]


def mine_or(mine: str | None, chosen: object, other: object, field: str = "country") -> dict | object:
    """An encoding value: CHOSEN on MINE's marks, OTHER elsewhere (OTHER alone without a country)."""
    if not mine:
        return alt.value(other)
    return alt.condition(is_mine(mine, field), alt.value(chosen), alt.value(other))
