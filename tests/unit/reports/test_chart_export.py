"""Chart downloads: the table as CSV and XLSX with every text cell inert, the chart as PNG and SVG
that carry their title and sources."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from data_access.reports.chart_export import (
    frame_to_csv,
    frames_to_xlsx,
    spec_to_png,
    spec_to_svg,
    titled_spec,
)

SPEC = {
    "data": {"values": [{"country": "Perú", "value": 741.22}, {"country": "Cuba", "value": 737.9}]},
    "mark": "point",
    "encoding": {
        "x": {"field": "value", "type": "quantitative"},
        "y": {"field": "country", "type": "nominal"},
    },
    "width": "container",
}
HOSTILE = ['=HYPERLINK("http://x")', "+1+2", "-3+A1", "@SUM(A1)", "\t=1"]


def table() -> pd.DataFrame:
    return pd.DataFrame({"País": ["Perú", *HOSTILE], "Valor": [741.22, 1.0, 2.0, 3.0, 4.0, 5.0]})


def test_csv_keeps_numbers_and_neutralises_formulas():
    text = frame_to_csv(table()).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "País,Valor" and lines[1] == "Perú,741.22"
    assert all(line.split(",")[0].lstrip('"').startswith("'") for line in lines[2:])


def test_xlsx_reads_back_the_values_and_no_cell_is_a_formula():
    sources = pd.DataFrame({"Fuente": ["LLECE ERCE 2019"], "Versión": [1]})
    book = load_workbook(io.BytesIO(frames_to_xlsx({"datos": table(), "fuentes": sources})))
    assert book.sheetnames == ["datos", "fuentes"]
    rows = list(book["datos"].iter_rows(values_only=True))
    assert rows[0] == ("País", "Valor") and rows[1] == ("Perú", 741.22)
    cells = [c for row in book["datos"].iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert [r[0] for r in rows[2:]] == HOSTILE  # kept as the text it was
    assert list(book["fuentes"].iter_rows(values_only=True))[1] == ("LLECE ERCE 2019", 1)


def test_images_have_a_signature_a_title_and_the_sources():
    spec = titled_spec(SPEC, "Ranking: Puntaje promedio · 6.º grado", ["LLECE ERCE 2019"])
    assert spec_to_png(spec).startswith(b"\x89PNG\r\n\x1a\n")
    svg = spec_to_svg(spec)
    assert svg.lstrip().startswith("<svg") and "Ranking: Puntaje promedio" in svg and "LLECE ERCE 2019" in svg
    assert SPEC["width"] == "container" and "title" not in SPEC  # the page's spec is left alone


@pytest.mark.parametrize("width", [390, 1920])
def test_a_container_width_becomes_pixels_for_the_image(width):
    svg = spec_to_svg(SPEC, width=width)
    assert "<svg" in svg
