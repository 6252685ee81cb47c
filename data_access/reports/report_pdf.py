"""The meeting report and the country briefs as PDF: a title block, sections of chart images with
their captions and sources, and tables that wrap and break across pages.

Layer: data_access. Takes plain values (text, PNG bytes, DataFrames already translated) and returns
bytes, so the same layout serves the command line and the admin page. The font is shipped in
reference/fonts, so accents render the same on any machine.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIR = Path(__file__).resolve().parents[1] / "reference" / "fonts"
FONT = "DejaVu"
MARGIN = 15  # mm
INK, MUTED, RULE, HEAD_FILL = (33, 37, 41), (96, 103, 112), (200, 205, 211), (236, 240, 244)
MAX_IMAGE_HEIGHT = 150  # mm: leaves room on the page for a caption and the sources
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Figure:
    """One chart: caption, the image, then who published the figures behind it."""

    title: str
    caption: str
    png: bytes
    sources: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table with its headers as they should print; WIDTHS are relative column widths."""

    frame: pd.DataFrame
    widths: tuple[float, ...] = ()
    title: str = ""


@dataclass(frozen=True)
class Section:
    heading: str
    intro: str = ""
    blocks: tuple[Figure | Table, ...] = ()
    new_page: bool = True


@dataclass(frozen=True)
class Document:
    """A report or a brief: title block, sections, and the running footer's text."""

    title: str
    subtitle: str
    footer: str
    page_label: str = "{page}/{pages}"  # "{page}" and "{pages}" are filled in
    sections: tuple[Section, ...] = field(default_factory=tuple)
    intro: str = ""
    max_image_height: float = MAX_IMAGE_HEIGHT


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels from the PNG header (no decoding)."""
    if data[:8] != _PNG_SIGNATURE:
        raise ValueError("not a PNG image")
    return struct.unpack(">II", data[16:24])


class _Pdf(FPDF):
    def __init__(self, doc: Document) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        self.set_title(doc.title)
        self.set_creator("Encuentro")
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        page = self.doc.page_label.format(page=self.page_no(), pages="{nb}")
        self.cell(self.epw * 0.8, 5, self.doc.footer, align="L")
        self.cell(self.epw * 0.2, 5, page, align="R")
        self.set_text_color(*INK)

    def paragraph(
        self,
        text: str,
        size: float = 9.5,
        *,
        bold: bool = False,
        color: tuple[int, int, int] = INK,
        gap: float = 1.5,
    ) -> None:
        if not text:
            return
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.ln(gap)

    def measure(self, text: str, size: float, *, bold: bool = False, gap: float = 1.5) -> float:
        """The height paragraph() would take, without drawing."""
        if not text:
            return 0.0
        self.set_font(FONT, "B" if bold else "", size)
        height = self.multi_cell(0, size * 0.5, text, align="L", dry_run=True, output="HEIGHT")
        return float(height) + gap  # type: ignore[arg-type]  # fpdf2 types every output= as one union

    def heading(self, text: str, size: float = 15) -> None:
        self.paragraph(text, size, bold=True, gap=1)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)


def _title_block(pdf: _Pdf, doc: Document) -> None:
    pdf.paragraph(doc.title, 20, bold=True, gap=1)
    pdf.paragraph(doc.subtitle, 11, color=MUTED, gap=3)
    pdf.paragraph(doc.intro, 9.5, gap=4)


def _image_size(pdf: _Pdf, png: bytes, max_height: float) -> tuple[float, float]:
    """The chart at the text width, or smaller when it would be taller than MAX_HEIGHT (mm)."""
    px_w, px_h = png_size(png)
    width = pdf.epw
    height = width * px_h / px_w
    if height > max_height:
        height, width = max_height, max_height * px_w / px_h
    return width, height


def _figure(pdf: _Pdf, figure: Figure, max_height: float) -> None:
    """Title, caption, chart, notes and sources kept together on one page."""
    width, height = _image_size(pdf, figure.png, max_height)
    texts = [(figure.title, 11.5, True, 0.5), (figure.caption, 9, False, 1.5)]
    texts += [(note, 7.5, False, 0.5) for note in figure.notes] + [(figure.sources, 7.5, False, 5)]
    needed = height + 2 + sum(pdf.measure(text, size, bold=bold, gap=gap) for text, size, bold, gap in texts)
    if pdf.get_y() + needed > pdf.page_break_trigger and pdf.get_y() > pdf.t_margin + 1:
        pdf.add_page()
    for text, size, bold, gap in texts[:2]:
        pdf.paragraph(text, size, bold=bold, color=INK if bold else MUTED, gap=gap)
    x = pdf.l_margin + (pdf.epw - width) / 2
    pdf.image(io.BytesIO(figure.png), x=x, y=pdf.get_y(), w=width, h=height, alt_text=figure.title)
    pdf.set_y(pdf.get_y() + height + 2)
    for text, size, _, gap in texts[2:]:
        pdf.paragraph(text, size, color=MUTED, gap=gap)


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return str(value)


def _table(pdf: _Pdf, table: Table) -> None:
    """A wrapping table whose header repeats on every page it spans."""
    if table.title:
        if pdf.get_y() + 30 > pdf.page_break_trigger:
            pdf.add_page()
        pdf.paragraph(table.title, 11, bold=True, gap=1)
    columns = [str(c) for c in table.frame.columns]
    widths = table.widths if len(table.widths) == len(columns) else tuple(1.0 for _ in columns)
    pdf.set_font(FONT, "", 7.5)
    headings = FontFace(emphasis="BOLD", fill_color=HEAD_FILL, color=INK)
    pdf.set_draw_color(*RULE)
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        text_align="LEFT",
        line_height=3.6,
        padding=(0.8, 1.2),
        borders_layout="HORIZONTAL_LINES",
        headings_style=headings,
        repeat_headings=1,
    ) as out:
        head = out.row()
        for name in columns:
            head.cell(name)
        for record in table.frame.itertuples(index=False):
            row = out.row()
            for value in record:
                row.cell(_cell_text(value))
    pdf.ln(5)


@dataclass(frozen=True)
class RenderedPdf:
    """The PDF and what the command line reports about it."""

    data: bytes
    pages: int
    figures: int


def render(doc: Document) -> RenderedPdf:
    """The document as PDF, A4 portrait, with its page and figure counts."""
    pdf = _Pdf(doc)
    pdf.add_page()
    _title_block(pdf, doc)
    for number, section in enumerate(doc.sections):
        if section.new_page and number > 0:
            pdf.add_page()
        pdf.heading(section.heading, 15 if section.new_page else 12.5)
        pdf.paragraph(section.intro, 9.5, gap=3)
        for block in section.blocks:
            if isinstance(block, Figure):
                _figure(pdf, block, doc.max_image_height)
            else:
                _table(pdf, block)
    figures = sum(isinstance(b, Figure) for section in doc.sections for b in section.blocks)
    return RenderedPdf(bytes(pdf.output()), pdf.pages_count, figures)


def render_pdf(doc: Document) -> bytes:
    """The document as PDF bytes."""
    return render(doc).data
