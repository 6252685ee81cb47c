"""/compare through AppTest on the sample meeting: every chart type draws the expected marks and
encodings from data equal to the source, captions follow the language, filters live in the URL."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from app_accounts import sign_in
from streamlit.testing.v1 import AppTest

from components.charts.panel import escape_markdown
from data_access.core.actors import Actor
from data_access.core.formatting import format_table_number
from data_access.core.i18n import t

ROOT = Path(__file__).resolve().parents[2]
PERU_READING_6_2019 = 741.22


def open_page(page: str, lang: str = "es", actor: Actor | None = None, **params: str) -> AppTest:
    """PAGE as someone arriving from the overview (so the menu's links resolve), ACTOR logged in."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if actor:
        sign_in(at, actor)
    at.run()
    at.switch_page(page)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> list:
    return list(at.get("arrow_vega_lite_chart")) + list(at.get("vega_lite_chart"))


def spec_of(chart) -> dict:
    return json.loads(chart.proto.spec)


def data_of(chart) -> list[pd.DataFrame]:
    """The data sets behind a chart, as Streamlit sends them to the browser."""
    return [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]


def layers(spec: dict) -> list[dict]:
    """Every unit spec (layers, nested layers), so a test can look for a mark wherever it is."""
    found = []
    for layer in spec.get("layer", [spec]):
        found += layers(layer) if "layer" in layer else [layer]
    return found


def marks(spec: dict) -> dict[str, set[str]]:
    """Mark type -> the encoding channels it uses, merged across layers."""
    out: dict[str, set[str]] = {}
    for layer in layers(spec):
        mark = layer.get("mark")
        kind = mark["type"] if isinstance(mark, dict) else mark
        out.setdefault(kind, set()).update(layer.get("encoding", {}))
    return out


def one_chart(at: AppTest) -> tuple[dict, list[pd.DataFrame]]:
    found = charts(at)
    assert len(found) == 1
    return spec_of(found[0]), data_of(found[0])


def find_row(frames: list[pd.DataFrame], iso3: str) -> pd.Series:
    for frame in frames:
        if "country_iso3" in frame.columns and iso3 in set(frame["country_iso3"]):
            return frame[frame["country_iso3"] == iso3].iloc[0]
    raise AssertionError(f"{iso3} not in the chart's data")


def test_ranking_shows_peru_at_its_published_value_against_the_regional_mean():
    at = open_page("pages/compare.py", chart="ranking", indicator="score_mean", grade="6", subject="reading")
    spec, frames = one_chart(at)
    kinds = marks(spec)
    assert {"x", "y", "color"} <= kinds["point"] and "rule" in kinds
    peru = find_row(frames, "PER")
    assert peru["value"] == PERU_READING_6_2019
    assert peru["verdict"] == "none"  # the public file has no standard errors: no verdict
    mean = next(f for f in frames if "mean" in f.columns and "country_iso3" not in f.columns)["mean"][0]
    values = next(f for f in frames if "country_iso3" in f.columns)["value"]
    assert mean == pytest.approx(values.mean()) and len(values) == 16
    shown = at.dataframe[0].value  # written with the language's decimal mark, not the browser's
    assert format_table_number(PERU_READING_6_2019, "es") == "741,22" in set(shown[t("table.value", "es")])


def test_ser_ranking_has_intervals_and_verdicts_from_the_published_ci():
    at = open_page("pages/compare.py", chart="ranking", indicator="ser_empathy")
    _, frames = one_chart(at)
    table = next(f for f in frames if "country_iso3" in f.columns)
    assert table["lo"].notna().all() and table["hi"].notna().all()
    assert set(table["verdict"]) <= {"above", "same", "below"} and "none" not in set(table["verdict"])
    assert at.query_params["subject"] == "" and at.query_params["grade"] == "6"


@pytest.mark.parametrize(
    ("chart", "params", "mark", "channels"),
    [
        ("trend", {"indicator": "score_mean"}, "line", {"x", "y", "color"}),
        ("gaps", {"pair": "sex"}, "point", {"x", "y", "color"}),
        ("levels", {"grade": "3"}, "bar", {"x", "x2", "y", "color"}),
        ("heatmap", {"domain": "ser"}, "rect", {"x", "y", "color"}),
        ("map", {}, "geoshape", {"color"}),
        ("scatter", {"y": "ser_empathy"}, "point", {"x", "y"}),
    ],
)
def test_every_chart_type_draws_its_marks(chart, params, mark, channels):
    at = open_page("pages/compare.py", chart=chart, **params)
    spec, frames = one_chart(at)
    assert channels <= marks(spec)[mark], marks(spec)
    assert any(not f.empty for f in frames)
    assert at.dataframe and not at.dataframe[0].value.empty


def test_trend_data_holds_both_cycles_of_peru():
    at = open_page("pages/compare.py", chart="trend", indicator="score_mean", grade="6", subject="reading")
    _, frames = one_chart(at)
    long = next(f for f in frames if {"country_iso3", "year"} <= set(f.columns))
    peru = long[long["country_iso3"] == "PER"].set_index("year")["value"]
    assert peru[2019] == PERU_READING_6_2019 and peru[2013] == 703.05


def test_gap_data_is_girls_and_boys_of_peru():
    at = open_page("pages/compare.py", chart="gaps", indicator="score_mean", grade="6", subject="reading")
    _, frames = one_chart(at)
    peru = find_row(frames, "PER")
    assert (peru["value_a"], peru["value_b"]) == (752.22, 731.13)
    assert peru["gap"] == pytest.approx(731.13 - 752.22)


def test_levels_are_centred_on_the_grade_3_boundary():
    at = open_page("pages/compare.py", chart="levels", grade="3", subject="reading")
    _, frames = one_chart(at)
    long = next(f for f in frames if {"level", "start", "end"} <= set(f.columns))
    peru = long[long["country_iso3"] == "PER"].set_index("level")
    assert peru.loc[1, "end"] <= 0 and peru.loc[2, "start"] == pytest.approx(0)
    assert any("II" in n for n in at.caption.values) or "II" in at.markdown[0].value


def test_scatter_pairs_reading_with_empathy_for_peru():
    at = open_page("pages/compare.py", chart="scatter", indicator="score_mean", y="ser_empathy")
    _, frames = one_chart(at)
    peru = find_row(frames, "PER")
    assert peru["x"] == PERU_READING_6_2019


def test_scatter_of_reading_against_mathematics_draws_both_axes():
    """The same indicator on both axes, two subjects: the commonest scatter there is."""
    at = open_page(
        "pages/compare.py", chart="scatter", indicator="score_mean", subject="reading",
        y="score_mean", ysubject="mathematics",
    )  # fmt: skip
    spec, frames = one_chart(at)
    assert find_row(frames, "PER")["x"] == PERU_READING_6_2019
    titles = {layer["encoding"][axis]["title"] for layer in layers(spec) for axis in ("x", "y")
              if axis in layer.get("encoding", {}) and "title" in layer["encoding"][axis]}  # fmt: skip
    assert {"Puntaje promedio · Lectura", "Puntaje promedio · Matemáticas"} <= titles
    table = at.dataframe[0].value
    assert table.columns.is_unique and "Puntaje promedio · Matemáticas" in table.columns
    assert at.expander[0].label.endswith("Puntaje promedio · Matemáticas")  # the filters' summary


@pytest.mark.parametrize("lang", ["es", "pt", "en"])
def test_caption_is_written_in_the_language(lang):
    at = open_page("pages/compare.py", lang=lang, chart="ranking", countries="PER")
    caption = at.markdown[0].value.replace("\\", "")
    number = {"es": "741,2", "pt": "741,2", "en": "741.2"}[lang]
    assert number in caption and t("compare.title", lang) == at.title[0].value
    assert charts(at)[0].proto.alt.replace("\\", "") == caption.strip("*")


def test_a_filter_change_rewrites_the_url():
    at = open_page("pages/compare.py", chart="ranking")
    at.selectbox(key="compare_subject").set_value("mathematics").run()
    assert not at.exception
    assert at.query_params["subject"] == "mathematics"
    at.segmented_control(key="compare_chart").set_value("map").run()
    assert at.query_params["chart"] == "map" and at.query_params["subject"] == "mathematics"


def test_a_stale_link_opens_the_nearest_view_with_data():
    at = open_page("pages/compare.py", indicator="no_such_code", grade="9", year="1800", countries="PER,XX")
    assert at.query_params["indicator"] == "score_mean"
    assert at.query_params["countries"] == "PER"
    assert charts(at)


def test_sources_name_the_version_and_the_file():
    at = open_page("pages/compare.py", chart="ranking", countries="PER")
    sources = at.dataframe[1].value
    assert list(sources[t("table.version", "es")]) == [1]
    assert "LLECE ERCE 2019" in sources[t("table.source", "es")].iloc[0]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("*bold* $x$ `code`", "\\*bold\\* \\$x\\$ \\`code\\`"),
        ("Perú: 741,2 (sin error estándar).", "Perú: 741,2 (sin error estándar)."),
    ],
)
def test_catalogue_names_in_captions_stay_plain_text(typed, shown):
    """Indicator names and rules can be edited by organizers and reach captions and notes."""
    assert escape_markdown(typed) == shown


def test_the_chart_has_its_definition_source_and_a_share_link():
    """What the indicator measures, which way is better and where it comes from sit beside the
    chart; the share button gives the address of exactly this view (copy or QR code)."""
    view = {"indicator": "below_min_wb_pct", "grade": "6", "subject": "reading", "year": "2013"}
    at = open_page("pages/compare.py", "en", **view)
    assert not at.get("code"), "closed, the share button draws nothing"
    at.session_state["about_below_min_wb_pct"] = True  # as a click opens them
    at.session_state["compare_share"] = True
    at.run()
    about = next(
        e for e in at.expander if e.label == t("compare.about", "en", indicator="Below minimum (World Bank)")
    )
    texts = [x.value for x in about.text]
    assert any("below minimum proficiency in reading" in x and x.endswith("Lower is better.") for x in texts)
    assert t("compare.about_source", "en", source="World Bank, LearningPoverty (GLAD harmonization of LLECE "
             "SERCE 2006 and TERCE 2013)") in texts  # fmt: skip
    link = at.get("code")[0].value
    assert "/compare?" in link and "indicator=below_min_wb_pct" in link and "year=2013" in link
    assert link.endswith("lang=en") and at.get("image"), "the QR code"


def test_the_chart_links_to_its_figures_in_the_open_data_api():
    at = open_page(
        "pages/compare.py", "en", chart="ranking", indicator="score_mean", grade="6", subject="reading"
    )
    (button,) = [b for b in at.get("link_button") if b.proto.label == t("compare.api_button", "en")]
    path, query = button.proto.url.split("?")
    assert path == "/api/v1/figures.csv"
    assert dict(p.split("=") for p in query.split("&")) == {
        "indicator": "score_mean", "grade": "6", "subject": "reading", "year": "2019", "group": "total"
    }  # fmt: skip
    sources = [c.value for c in at.caption if "/api/v1/figures.json?" in c.value]
    assert sources and f"({button.proto.url})" in sources[0]
