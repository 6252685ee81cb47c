"""Chart builders: marks, encodings and data in the Vega-Lite spec, and that each spec renders."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import vl_convert as vlc

from components.charts.levels import build_levels_chart
from components.charts.matrices import (
    BOUNDARIES,
    build_heatmap_chart,
    build_map_chart,
    build_scatter_chart,
    lac_boundaries,
    small_states,
    to_spec,
)
from components.charts.profile import build_profile_chart
from components.charts.series import (
    build_gap_chart,
    build_ranking_chart,
    build_trend_chart,
)
from components.charts.theme import LEVEL_COLORS, VERDICT_COLORS, thinned_labels
from data_access.core.catalogues import lac_countries

NAMES = {"PER": "Perú", "CUB": "Cuba", "PAN": "Panamá", "DOM": "República Dominicana"}


def ranking_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country_iso3": ["CUB", "PER", "PAN", "DOM"],
            "country": ["Cuba", "Perú", "Panamá", "República Dominicana"],
            "value": [772.1, 741.22, 639.0, 622.8],
            "lo": [760.0, 730.0, float("nan"), 610.0],
            "hi": [784.0, 752.0, float("nan"), 635.0],
            "verdict": ["above", "above", "none", "below"],
            "verdict_label": ["Por encima", "Por encima", "Sin prueba", "Por debajo"],
        }
    )


def trend_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    long = pd.DataFrame(
        {
            "country": ["Perú", "Perú", "Cuba", "Cuba"],
            "year": [2013, 2019, 2013, 2019],
            "value": [720.0, 741.22, 760.0, 772.1],
            "lo": [710.0, 731.0, float("nan"), float("nan")],
            "hi": [730.0, 751.0, float("nan"), float("nan")],
        }
    )
    return long, pd.DataFrame({"year": [2013, 2019], "mean": [700.0, 696.9], "countries": [2, 2]})


def gap_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["Perú", "Cuba"],
            "value_a": [745.0, 780.0],
            "value_b": [737.4, 764.2],
            "gap": [-7.6, -15.8],
            "verdict_label": ["No significativa", "Significativa"],
        }
    )


def levels_table() -> pd.DataFrame:
    rows = [("Perú", 1, 10.0, -40.0, -30.0), ("Perú", 2, 30.0, -30.0, 0.0)]
    rows += [("Perú", 3, 35.0, 0.0, 35.0), ("Perú", 4, 25.0, 35.0, 60.0)]
    return pd.DataFrame(rows, columns=["country", "level", "share", "start", "end"])


def heatmap_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["Perú", "Perú", "Cuba", "Cuba"],
            "column_label": ["Lectura", "Matemáticas", "Lectura", "Matemáticas"],
            "value": [741.22, 700.0, 772.1, 760.0],
            "diff": [12.5, -3.0, 43.4, 57.0],
            "std_diff": [0.4, -0.1, 1.4, 1.8],
        }
    )


def scatter_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country_iso3": ["PER", "CUB", "PAN"],
            "country": ["Perú", "Cuba", "Panamá"],
            "x": [0.1, 0.5, -0.3],
            "y": [741.22, 772.1, 639.0],
        }
    )


def profile_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row_label": ["Lectura 6.º", "Matemáticas 6.º", "Empatía"],
            "value": [741.22, 700.0, 0.2],
            "mean": [696.9, 702.0, 0.0],
            "diff": [44.32, -2.0, 0.2],
            "verdict": ["above", "same", "none"],
            "verdict_label": ["Por encima", "Sin diferencia", "Sin prueba"],
        }
    )


def layers(spec: dict) -> list[dict]:
    """Every unit spec inside SPEC (layers flattened)."""
    if "layer" in spec:
        return [unit for child in spec["layer"] for unit in layers(child)]
    return [spec]


def mark(unit: dict) -> str:
    return unit["mark"] if isinstance(unit["mark"], str) else unit["mark"]["type"]


def unit_with(spec: dict, mark_type: str) -> list[dict]:
    return [unit for unit in layers(spec) if mark(unit) == mark_type]


def data_text(spec: dict) -> str:
    return json.dumps(spec.get("datasets", {}), ensure_ascii=False)


def svg(chart, width: int = 390) -> str:
    spec = to_spec(chart)
    spec["width"] = width  # "container" needs a page; the renderer needs a number
    return vlc.vegalite_to_svg(spec)


def test_ranking_dots_intervals_and_mean_rule():
    spec = build_ranking_chart(ranking_table(), 693.78, "es", value_title="Puntaje").to_dict()
    dot = unit_with(spec, "point")[0]
    assert dot["mark"]["filled"] is True
    assert dot["encoding"]["y"]["field"] == "country" and dot["encoding"]["y"]["type"] == "nominal"
    assert dot["encoding"]["x"] == dot["encoding"]["x"] | {"field": "value", "type": "quantitative"}
    colour = dot["encoding"]["color"]
    assert colour["field"] == "verdict_label"
    assert colour["scale"]["domain"] == ["Por encima", "Por debajo", "Sin prueba"]
    assert colour["scale"]["range"] == [VERDICT_COLORS[v] for v in ("above", "below", "none")]
    assert dot["encoding"]["y"]["sort"] == ["Cuba", "Perú", "Panamá", "República Dominicana"]
    interval = next(u for u in unit_with(spec, "rule") if u["encoding"].get("x2"))
    assert interval["encoding"]["x"]["field"] == "lo" and interval["encoding"]["x2"]["field"] == "hi"
    assert "Promedio regional: 693,8" in data_text(spec)
    assert "741.22" in data_text(spec) and "741,2" in data_text(spec)
    assert spec["width"] == "container" and spec["height"] >= 4 * 22
    assert "<svg" in svg(build_ranking_chart(ranking_table(), 693.78, "es"))


def test_ranking_sorts_by_name_and_formats_english():
    spec = build_ranking_chart(ranking_table(), None, "en", sort="name").to_dict()
    assert unit_with(spec, "point")[0]["encoding"]["y"]["sort"] == sorted(NAMES.values(), key=str.casefold)
    assert "741.2" in data_text(spec)
    # without a mean there is no mean label: the only text is each value, right of its interval
    [labels] = unit_with(spec, "text")
    assert (
        labels["encoding"]["text"]["field"] == "value_text" and labels["encoding"]["x"]["field"] == "label_at"
    )
    assert spec["config"]["locale"]["number"]["decimal"] == "."


def test_trend_lines_points_intervals_and_dashed_regional_line():
    long, regional = trend_tables()
    spec = build_trend_chart(long, regional, "es").to_dict()
    assert {"line", "point", "rule"} <= {mark(u) for u in layers(spec)}
    line = unit_with(spec, "line")[0]
    assert line["encoding"]["x"]["field"] == "year" and line["encoding"]["x"]["type"] == "ordinal"
    assert line["encoding"]["color"]["field"] == "country"
    regional_line = next(u for u in unit_with(spec, "line") if "strokeDash" in u["encoding"])
    assert regional_line["encoding"]["y"]["field"] == "mean"
    assert "696.9" in data_text(spec) and "741.22" in data_text(spec)
    assert "<svg" in svg(build_trend_chart(long, regional, "es"))


def test_more_than_eight_countries_are_one_grey_but_still_one_line_each():
    countries = [f"País {i}" for i in range(10)]
    long = pd.DataFrame(
        {"country": countries * 2, "year": [2013] * 10 + [2019] * 10, "value": [float(v) for v in range(20)]}
    )
    spec = build_trend_chart(long, pd.DataFrame({"year": [2013, 2019], "mean": [4.5, 14.5]}), "es").to_dict()
    line = unit_with(spec, "line")[0]
    assert "value" in line["encoding"]["color"] and line["encoding"]["detail"]["field"] == "country"


def test_gap_dumbbell():
    spec = build_gap_chart(gap_table(), "Niñas", "Niños", "es").to_dict()
    rule = unit_with(spec, "rule")[0]
    assert rule["encoding"]["x"]["field"] == "value_a" and rule["encoding"]["x2"]["field"] == "value_b"
    dots = unit_with(spec, "point")[0]
    assert dots["encoding"]["color"]["field"] == "group"
    assert dots["encoding"]["color"]["scale"]["domain"] == ["Niñas", "Niños"]
    assert "737.4" in data_text(spec) and "-7,6" in data_text(spec)
    assert "<svg" in svg(build_gap_chart(gap_table(), "Niñas", "Niños", "es"))


def test_levels_bars_centred_on_the_boundary():
    spec = build_levels_chart(levels_table(), "pt").to_dict()
    bar = unit_with(spec, "bar")[0]
    assert bar["encoding"]["x"]["field"] == "start" and bar["encoding"]["x2"]["field"] == "end"
    assert bar["encoding"]["y"]["field"] == "country"
    assert bar["encoding"]["color"]["scale"]["domain"] == ["Nível I", "Nível II", "Nível III", "Nível IV"]
    assert bar["encoding"]["color"]["scale"]["range"] == list(LEVEL_COLORS)
    assert "abs(" in bar["encoding"]["x"]["axis"]["labelExpr"]
    assert any(u["encoding"]["x"]["field"] == "x" for u in unit_with(spec, "rule"))
    assert "<svg" in svg(build_levels_chart(levels_table(), "pt"))


def test_heatmap_rect_diverging_at_zero_with_the_standardised_difference_as_text():
    spec = build_heatmap_chart(heatmap_table(), "es").to_dict()
    rect = unit_with(spec, "rect")[0]
    assert rect["encoding"]["x"]["field"] == "column_label" and rect["encoding"]["y"]["field"] == "country"
    colour = rect["encoding"]["color"]
    assert colour["field"] == "std_diff" and colour["type"] == "quantitative"
    assert colour["scale"]["scheme"] == "blueorange" and colour["scale"]["domainMid"] == 0
    assert unit_with(spec, "text")[0]["encoding"]["text"]["field"] == "std_diff_text"
    assert "+43" in data_text(spec) and "741,2" in data_text(spec)
    assert "<svg" in svg(build_heatmap_chart(heatmap_table(), "es"))


def test_scatter_points_labels_regression_and_r():
    chart = build_scatter_chart(scatter_table(), 0.62, "Empatía", "Lectura", "es")
    spec = chart.to_dict()
    assert {"point", "text", "line"} <= {mark(u) for u in layers(spec)}
    assert unit_with(spec, "point")[0]["encoding"]["x"]["field"] == "x"
    assert unit_with(spec, "text")[0]["encoding"]["text"]["field"] == "shown_label"
    assert any("regression" in tr for u in unit_with(spec, "line") for tr in u.get("transform", []))
    assert spec["title"] == "r de Pearson = 0,62"
    assert "741.22" in data_text(spec) and "<svg" in svg(chart)
    no_fit = build_scatter_chart(scatter_table(), 0.09, "Empatía", "Lectura", "es", fit=False).to_dict()
    assert not unit_with(no_fit, "line"), "no fitted line when r is not significant"


def test_scatter_labels_that_would_overlap_are_left_to_the_tooltip():
    dots = pd.DataFrame(
        {"x": [0.0, 0.01, 0.5, 1.0], "y": [0.0, 0.01, 0.5, 1.0], "label": ["A", "B", "C", "D"]}
    )
    assert thinned_labels(dots) == ["A", "", "C", "D"]  # B sits on A


def test_map_draws_every_country_and_looks_values_up():
    table = ranking_table()
    chart = build_map_chart(table, "es", value_title="Puntaje")
    chart.to_dict()  # valid Vega-Lite as Altair builds it
    spec = to_spec(chart)
    assert len(spec["datasets"]["lac_boundaries"]["features"]) == len(lac_countries())
    shapes = unit_with(spec, "geoshape")
    assert len(shapes) == 2 and spec["projection"]["type"] == "mercator"
    lookup = shapes[1]["transform"][0]
    assert lookup["lookup"] == "properties.iso3" and lookup["from"]["key"] == "iso3"
    assert shapes[1]["encoding"]["color"]["field"] == "value"
    assert "741.22" in data_text(spec) and "Sin datos" in data_text(spec) and "Perú" in data_text(spec)
    drawn = svg(chart, 600)
    assert drawn.count("<path") >= len(lac_countries())


def test_profile_bars_coloured_by_verdict_with_rule_at_zero():
    spec = build_profile_chart(profile_table(), "en").to_dict()
    bar = unit_with(spec, "bar")[0]
    assert bar["encoding"]["x"]["field"] == "diff" and bar["encoding"]["y"]["field"] == "row_label"
    assert bar["encoding"]["color"]["field"] == "verdict_label"
    assert unit_with(spec, "rule")
    assert "44.32" in data_text(spec) and "+44.3" in data_text(spec)
    assert "<svg" in svg(build_profile_chart(profile_table(), "en"))


EMPTY_BUILDERS = {
    "ranking": lambda e: build_ranking_chart(e, None, "es"),
    "trend": lambda e: build_trend_chart(e, e, "es"),
    "gap": lambda e: build_gap_chart(e, "Niñas", "Niños", "es"),
    "levels": lambda e: build_levels_chart(e, "es"),
    "heatmap": lambda e: build_heatmap_chart(e, "es"),
    "scatter": lambda e: build_scatter_chart(e, None, "x", "y", "es"),
    "map": lambda e: build_map_chart(e, "es"),
    "profile": lambda e: build_profile_chart(e, "es"),
}


@pytest.mark.parametrize("name", EMPTY_BUILDERS)
def test_every_builder_accepts_an_empty_table(name):
    chart = EMPTY_BUILDERS[name](pd.DataFrame())
    assert "<svg" in svg(chart)


def test_boundaries_hold_the_33_countries_and_stay_small():
    iso3 = sorted(f["properties"]["iso3"] for f in lac_boundaries()["features"])
    assert iso3 == sorted(c.iso3 for c in lac_countries())
    assert BOUNDARIES.stat().st_size < 400_000
    assert {"ATG", "KNA", "VCT", "LCA", "GRD", "DMA", "BRB"} <= {s[0] for s in small_states()}


# The reader's own country ("Perú" as the charts write it) stands out in every chart kind.
MINE = "Perú"


def bold_label_test(spec: dict) -> str:
    """The test of the row axis's conditional bold label."""
    unit = next(u for u in layers(spec) if "labelFontWeight" in u["encoding"].get("y", {}).get("axis", {}))
    weight = unit["encoding"]["y"]["axis"]["labelFontWeight"]
    assert weight["condition"]["value"] == "bold" and weight["value"] == "normal"
    return weight["condition"]["test"]


def band_rows(spec: dict) -> list[str]:
    """The rows a band (a rect on the row axis alone) is drawn across."""
    datasets = spec.get("datasets", {})
    out = []
    for unit in unit_with(spec, "rect"):
        if "x" not in unit["encoding"] and "data" in unit:
            out += [row["country"] for row in datasets[unit["data"]["name"]]]
    return out


def test_ranking_puts_my_country_on_a_band_in_bold_with_a_larger_ringed_dot():
    chart = build_ranking_chart(ranking_table(), 693.78, "es", mine=MINE)
    spec = chart.to_dict()
    assert bold_label_test(spec) == 'datum.value === "Perú"'
    assert band_rows(spec) == ["Perú"]
    dot = unit_with(spec, "point")[0]["encoding"]
    assert dot["size"]["condition"] == {"test": 'datum["country"] === "Perú"', "value": 220}
    assert dot["strokeWidth"]["condition"]["value"] > dot["strokeWidth"]["value"]
    assert "<svg" in svg(chart)
    plain = build_ranking_chart(ranking_table(), 693.78, "es").to_dict()
    assert band_rows(plain) == [] and "Perú" not in json.dumps(plain["layer"])


def test_no_band_for_a_country_without_a_row():
    """A band of its own would add an empty row for a country not in the chart."""
    spec = build_ranking_chart(ranking_table(), 693.78, "es", mine="Chile").to_dict()
    assert band_rows(spec) == []


def test_trend_draws_my_line_thicker_and_on_top_and_in_colour_among_many_greys():
    long, regional = trend_tables()
    spec = build_trend_chart(long, regional, "es", mine=MINE).to_dict()
    line = unit_with(spec, "line")[0]["encoding"]
    assert line["strokeWidth"]["condition"]["value"] == 5 and line["strokeWidth"]["value"] == 2
    assert line["order"]["condition"]["value"] == 1
    many = pd.DataFrame(
        [
            (c.name("es"), year, 700.0 + n)
            for n, c in enumerate(lac_countries()[:12])
            for year in (2013, 2019)
        ],
        columns=["country", "year", "value"],
    )
    mine = lac_countries()[3].name("es")
    colour = unit_with(build_trend_chart(many, regional, "es", mine=mine).to_dict(), "line")[0]["encoding"][
        "color"
    ]
    assert colour["value"] == "#A6A6A6" and colour["condition"]["test"] == f'datum["country"] === "{mine}"'


def test_gaps_band_and_the_gap_written_beside_each_dumbbell():
    spec = build_gap_chart(gap_table(), "Niños", "Niñas", "es", mine=MINE).to_dict()
    assert band_rows(spec) == ["Perú"] and bold_label_test(spec) == 'datum.value === "Perú"'
    [labels] = unit_with(spec, "text")
    assert labels["encoding"]["text"]["field"] == "gap_text" and "-7,6" in data_text(spec)


def test_levels_outline_my_bars_and_write_shares_that_fit():
    chart = build_levels_chart(levels_table(), "es", mine=MINE)
    spec = chart.to_dict()
    bars = unit_with(spec, "bar")[0]["encoding"]
    assert bars["stroke"]["condition"]["value"] == "#000000" and bars["stroke"]["value"] == "white"
    shares = next(u for u in unit_with(spec, "text") if u["encoding"]["text"].get("condition"))
    assert "width" in shares["encoding"]["text"]["condition"]["test"]  # only where the bar has room
    assert "<svg" in svg(chart)


def test_heatmap_frames_my_row():
    table = heatmap_table().assign(column=["a", "b", "a", "b"])
    spec = build_heatmap_chart(table, "es", mine=MINE).to_dict()
    frame = [u for u in unit_with(spec, "rect") if "x" not in u["encoding"]]
    assert (
        len(frame) == 1 and frame[0]["mark"]["stroke"] == "#000000" and frame[0]["mark"]["fillOpacity"] == 0
    )
    assert bold_label_test(spec) == 'datum.value === "Perú"'


def test_scatter_always_labels_my_country_in_bold():
    crowded = pd.DataFrame(
        {"country": ["Cuba", "Perú", "Chile"], "country_iso3": ["CUB", "PER", "CHL"], "x": [0.0, 0.001, 1.0]}
    ).assign(y=[1.0, 1.001, 2.0])
    crowded["label"] = crowded["country_iso3"]
    assert thinned_labels(crowded) == ["CUB", "", "CHL"]  # left to right: Cuba first
    assert thinned_labels(crowded, first="Perú") == ["", "PER", "CHL"]  # the reader's own comes first
    spec = build_scatter_chart(scatter_table(), 0.5, "X", "Y", "es", mine=MINE).to_dict()
    bold = [u for u in unit_with(spec, "text") if u["mark"].get("fontWeight") == "bold"]
    assert len(bold) == 1 and bold[0]["transform"] == [{"filter": 'datum["country"] === "Perú"'}]


def test_map_outlines_my_country():
    table = ranking_table()
    spec = build_map_chart(table, "es", mine=MINE).to_dict()
    outline = [u for u in unit_with(spec, "geoshape") if u["mark"].get("stroke") == "#000000"]
    assert len(outline) == 1 and outline[0]["transform"][-1] == {"filter": 'datum["name"] === "Perú"'}
    assert not [
        u
        for u in unit_with(build_map_chart(table, "es").to_dict(), "geoshape")
        if u["mark"].get("stroke") == "#000000"
    ]


def test_profile_writes_each_figure_at_its_bars_end():
    spec = build_profile_chart(profile_table(), "es").to_dict()
    figures = unit_with(spec, "text")
    assert [f["mark"]["align"] for f in figures] == ["left", "right"]  # right of a rise, left of a fall
    assert {f["encoding"]["text"]["field"] for f in figures} == {"value_text"} and "741,2" in data_text(spec)
