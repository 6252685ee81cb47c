"""Comparison charts, part two: heatmap, scatter, map of the region and a country's profile.

Layer: components. build_* functions take prepared tables with a translated `country` column and
return Altair charts; they never call Streamlit. The map's boundaries ship in data_access/reference.
"""

from __future__ import annotations

import json
from functools import cache
from itertools import pairwise

import altair as alt
import pandas as pd

from components.charts.data import arrow_datasets
from components.charts.theme import (
    HEATMAP_SCHEME,
    LABEL_LIMIT,
    MINE_INK,
    NO_DATA,
    REGIONAL_COLOR,
    SERIES_COLORS,
    SOFT_BREAK,
    STROKE,
    finish,
    is_mine,
    mine_label_weight,
    mine_or,
    prepared,
    rows_height,
    thinned_labels,
    with_text,
    wrapped_labels,
)
from data_access.core.catalogues import BOUNDARIES_FILE, BOUNDARIES_URL, lac_countries
from data_access.core.formatting import format_number
from data_access.core.i18n import t

BOUNDARIES = BOUNDARIES_FILE
SMALL_STATE = 0.5  # square degrees of land: below this a country is also drawn as a dot
MAP_HEIGHT = 560
BOUNDARY_DATA = "lac_boundaries"


def _names_data(node: object, name: str) -> bool:
    if isinstance(node, dict):
        return node.get("name") == name or any(_names_data(v, name) for v in node.values())
    return isinstance(node, list) and any(_names_data(v, name) for v in node)


def to_spec(chart: alt.TopLevelMixin) -> dict:
    """CHART's Vega-Lite spec for the page, the downloads and the report, with the shipped
    boundaries attached when the map names them (unvalidated: the builders' tests validate)."""
    spec = chart.to_dict(validate=False)
    if _names_data(spec.get("layer", []), BOUNDARY_DATA):
        spec.setdefault("datasets", {})[BOUNDARY_DATA] = lac_boundaries()
    return spec


def to_page_spec(chart: alt.TopLevelMixin) -> dict:
    """CHART's spec as the browser gets it: its tables as Arrow bytes (what Streamlit sends, made
    once), the boundaries by URL, fetched once per phone and cached instead of 175 kB inside every
    visitor's map (the downloads and the report use to_spec, with values and boundaries inline)."""
    with arrow_datasets() as tables:
        spec = chart.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **tables}
    if not spec["datasets"]:
        del spec["datasets"]
    return _boundaries_by_url(spec) if _names_data(spec.get("layer", []), BOUNDARY_DATA) else spec


def _boundaries_by_url(node: object) -> object:
    if isinstance(node, dict):
        if node.get("name") == BOUNDARY_DATA:
            return {"url": BOUNDARIES_URL, "format": {"type": "json", **node.get("format", {})}}
        return {key: _boundaries_by_url(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_boundaries_by_url(value) for value in node]
    return node


@cache
def lac_boundaries() -> dict:
    """The shipped GeoJSON FeatureCollection of the 33 countries (properties iso3, name)."""
    return json.loads(BOUNDARIES.read_text(encoding="utf-8"))


def _rings(feature: dict) -> list[list[list[float]]]:
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [polygon[0] for polygon in polygons]


def _area(ring: list[list[float]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))) / 2


@cache
def small_states() -> tuple[tuple[str, float, float], ...]:
    """(iso3, lon, lat) of countries too small to see at map scale: the middle of their largest island."""
    out = []
    for feature in lac_boundaries()["features"]:
        rings = _rings(feature)
        if sum(_area(r) for r in rings) < SMALL_STATE:
            largest = max(rings, key=_area)
            lon = sum(p[0] for p in largest) / len(largest)
            lat = sum(p[1] for p in largest) / len(largest)
            out.append((feature["properties"]["iso3"], round(lon, 2), round(lat, 2)))
    return tuple(out)


def country_axis(order: list[str] | None, field: str = "country", mine: str | None = None) -> alt.Y:
    """Row labels; a long one, softly broken by two_lines(), on two lines; MINE in bold."""
    labels = wrapped_labels(SOFT_BREAK)
    axis = alt.Axis(labelLimit=LABEL_LIMIT, ticks=False, labelExpr=labels, **mine_label_weight(mine))
    return alt.Y(f"{field}:N", sort=order, title=None, axis=axis)


def build_heatmap_chart(table: pd.DataFrame, lang: str, mine: str | None = None) -> alt.LayerChart:
    """Countries by indicator: colour and text = the standardised difference from the regional
    mean (so the numbers read on the legend's scale); the tooltip adds the difference in units.
    The reader's own country's row (MINE) is framed.

    Needs country, column_label, std_diff, diff; diff_text and value_text are used when present.
    Blue is better than the regional mean and orange worse when a `favour` column (std_diff signed
    by the indicator's direction) is given; otherwise blue is above and orange below.
    """
    data = prepared(table, ("country", "column_label", "std_diff", "diff"))
    with_text(data, lang, "diff", signed=True)
    with_text(data, lang, "std_diff", signed=True)
    with_text(data, lang, "value")
    if "value_text" not in data.columns:
        data["value_text"] = "–"
    columns = list(dict.fromkeys(data["column_label"]))
    shade = "favour" if "favour" in data.columns else "std_diff"  # favour: std_diff signed towards better
    order = list(data.groupby("country")[shade].mean().sort_values(ascending=False).index)
    reach = max(float(data[shade].abs().max()) if data[shade].notna().any() else 0, 1.0)
    # slanted where columns are wide, upright on a phone, so neighbouring headers never overlap
    angle = alt.ExprRef(expr="width < 700 ? -90 : -35")
    x_axis = alt.Axis(orient="top", labelAngle=angle, labelLimit=150, labelAlign="left", ticks=False)
    y = country_axis(order, mine=mine)
    base = alt.Chart(data).encode(x=alt.X("column_label:N", sort=columns, title=None, axis=x_axis), y=y)
    legend_key = "axes.std_favour" if shade == "favour" else "axes.std_difference"
    colour = alt.Color(
        f"{shade}:Q",
        title=t(legend_key, lang).replace(" (", "\n(").split("\n"),
        scale=alt.Scale(scheme=HEATMAP_SCHEME, reverse=True, domain=[-reach, reach], domainMid=0),
        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220, titleLimit=360),
    )
    tooltip = [
        alt.Tooltip("country:N", title=t("axes.country", lang)),
        alt.Tooltip("column_label:N", title=t("axes.indicator", lang)),
        alt.Tooltip("value_text:N", title=t("axes.value", lang)),
        alt.Tooltip("diff_text:N", title=t("axes.difference", lang)),
    ]
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(color=colour, tooltip=tooltip)
    ink = alt.ColorValue("black", condition={"test": f"abs(datum.{shade}) > {0.6 * reach}", "value": "white"})
    text = base.mark_text(fontSize=12).encode(text=alt.Text("std_diff_text:N"), color=ink, tooltip=tooltip)
    layers = [cells, text]
    if mine in order:  # a frame around the row, across every column
        frame = alt.Chart(pd.DataFrame({"country": [mine]})).mark_rect(
            fillOpacity=0, stroke=MINE_INK, strokeWidth=3
        )
        layers.append(frame.encode(y=y))
    chart = alt.layer(*layers).properties(padding={"left": 5, "top": 5, "bottom": 5, "right": 50})
    return finish(chart, lang, rows_height(len(order), extra=150))


def build_scatter_chart(
    table: pd.DataFrame,
    r: float | None,
    x_title: str,
    y_title: str,
    lang: str,
    fit: bool = True,
    mine: str | None = None,
) -> alt.LayerChart:
    """One dot per country, labelled with its ISO code (full name in the tooltip), and a fitted
    line; the reader's own country (MINE) larger, ringed, and always labelled.

    Needs country, x, y; labels use `label`, else country_iso3, else country; x_text and y_text
    are written for LANG when missing. R (Pearson) goes in the title; the line needs 3 countries.
    """
    data = prepared(table, ("country", "x", "y"))
    with_text(data, lang, "x")
    with_text(data, lang, "y")
    if "label" not in data.columns:
        data["label"] = data["country_iso3"] if "country_iso3" in data.columns else data["country"]
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False, nice=True))
    y = alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False, nice=True))
    base = alt.Chart(data).encode(x=x, y=y)
    tooltip = [
        alt.Tooltip("country:N", title=t("axes.country", lang)),
        alt.Tooltip("x_text:N", title=x_title),
        alt.Tooltip("y_text:N", title=y_title),
    ]
    dots = base.mark_point(filled=True, opacity=1, color=SERIES_COLORS[0])
    dots = dots.encode(
        size=mine_or(mine, 220, 90), stroke=mine_or(mine, MINE_INK, STROKE), strokeWidth=mine_or(mine, 2.5, 1)
    )
    data["shown_label"] = thinned_labels(data, first=mine)
    label = {"align": "left", "dx": 7, "dy": -6, "fontSize": 12, "color": REGIONAL_COLOR}
    labels = base.mark_text(**label).encode(text=alt.Text("shown_label:N"))
    if mine:  # the own country's label in bold: a layer of its own (weight is no encoding channel)
        bold = base.mark_text(**label, fontWeight="bold").encode(text=alt.Text("shown_label:N"))
        labels = alt.layer(
            labels.transform_filter(f"!({is_mine(mine)})"), bold.transform_filter(is_mine(mine))
        )
    layers = [dots.encode(tooltip=tooltip), labels]
    if fit and data[["x", "y"]].dropna().shape[0] >= 3:  # the caller says whether r is significant
        fit = base.transform_regression("x", "y").mark_line(color=REGIONAL_COLOR, strokeDash=[6, 4], size=1.5)
        layers.insert(0, fit)
    title = t("axes.correlation", lang, r=format_number(r, lang, 2)) if r is not None and r == r else ""
    return finish(alt.layer(*layers).properties(title=title), lang, 440)


def _map_values(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per LAC country: iso3, its name in LANG, value and value_text (empty without data)."""
    data = prepared(table, ("country_iso3", "value"))
    with_text(data, lang, "value")
    names = pd.DataFrame(
        {"iso3": [c.iso3 for c in lac_countries()], "name": [c.name(lang) for c in lac_countries()]}
    )
    values = data.drop_duplicates("country_iso3")[["country_iso3", "value", "value_text"]]
    out = names.merge(values, left_on="iso3", right_on="country_iso3", how="left").drop(
        columns="country_iso3"
    )
    out["value_text"] = out["value_text"].fillna(t("axes.no_data", lang))
    return out


def build_map_chart(
    table: pd.DataFrame, lang: str, value_title: str = "", higher: bool | None = True, mine: str | None = None
) -> alt.LayerChart:
    """Choropleth of the region; countries without data grey; small island states also as dots;
    the reader's own country (MINE, its name in LANG) outlined in black.

    Needs country_iso3 and value (value_text optional); names come from the catalogue in LANG.
    """
    values = _map_values(table, lang)
    title = value_title or t("axes.value", lang)
    lookup = alt.LookupData(values, "iso3", ["name", "value", "value_text"])
    # Named, not inline: the spec gets the shapes once, in to_spec (Altair copies inline data on
    # every chained call, which cost a second and a half per map)
    shapes = alt.NamedData(name=BOUNDARY_DATA, format=alt.DataFormat(property="features"))
    colour = alt.Color(
        "value:Q",
        title=title,
        # darker is better: a lower-is-better share runs the other way; neither: darker is higher, in purples
        scale=alt.Scale(
            scheme=alt.SchemeParams("blues" if higher is not None else "purples", extent=[0.2, 1]),
            zero=False,
            reverse=higher is False,
        ),
        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220, titleLimit=360),
    )
    tooltip = [alt.Tooltip("name:N", title=t("axes.country", lang)), alt.Tooltip("value_text:N", title=title)]
    ground = alt.Chart(shapes).mark_geoshape(fill=NO_DATA, stroke="white", strokeWidth=0.6)
    ground = ground.transform_lookup(lookup="properties.iso3", from_=lookup).encode(tooltip=tooltip)
    filled = alt.Chart(shapes).mark_geoshape(stroke="white", strokeWidth=0.6)
    filled = filled.transform_lookup(lookup="properties.iso3", from_=lookup).transform_filter(
        "isValid(datum.value)"
    )
    dots_data = pd.DataFrame(small_states(), columns=["iso3", "lon", "lat"]).merge(values, on="iso3")
    dots = alt.Chart(dots_data).mark_circle(size=70, opacity=1)
    dots = dots.encode(
        longitude=alt.Longitude("lon:Q"),
        latitude=alt.Latitude("lat:Q"),
        tooltip=tooltip,
        stroke=mine_or(mine, MINE_INK, STROKE, "name"),
        strokeWidth=mine_or(mine, 2.5, 0.8, "name"),
    )
    empty_dots = dots.transform_filter("!isValid(datum.value)").encode(color=alt.ColorValue(NO_DATA))
    dots = dots.transform_filter("isValid(datum.value)").encode(color=colour)
    layers = [ground, filled.encode(color=colour, tooltip=tooltip), empty_dots, dots]
    if mine:
        outline = alt.Chart(shapes).mark_geoshape(fillOpacity=0, stroke=MINE_INK, strokeWidth=2.5)
        layers.insert(
            2,
            outline.transform_lookup(lookup="properties.iso3", from_=lookup).transform_filter(
                is_mine(mine, "name")
            ),
        )
    chart = alt.layer(*layers).project(type="mercator")
    return finish(chart, lang, MAP_HEIGHT)
