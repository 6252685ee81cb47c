"""The meeting report as people get it: `manage.py report` on the sample meeting, the PDF rendered
to PNG pages by pdftoppm and read back with pypdf, the XLSX pack read back against the store.

Layer: tests (unit). The report is built once per language for the module (charts take seconds);
the layout is also checked on its own with a small synthetic document.
"""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from result_workbooks import seed_sample_store
from tools import require_program

from data_access.core.actors import CLI_ACTOR
from data_access.core.formatting import format_dates
from data_access.core.i18n import t
from data_access.core.settings import get_settings
from data_access.core.store import make_engine
from data_access.meeting.deck import get_deck
from data_access.meeting.meeting_settings import MeetingInfo, save_meeting_settings
from data_access.meeting.rosters import list_roster
from data_access.reports.report_pack import source_headers
from data_access.reports.report_pdf import Document, Figure, Section, Table, png_size, render
from data_access.stats import queries
from data_access.workbooks.columns import RESULTS

ROOT = Path(__file__).resolve().parents[3]
MEETING = MeetingInfo("Encuentro de Evaluación · Lima", "Lima", date(2026, 11, 26), date(2026, 11, 27))
HEADINGS = ("outcome.charts", "outcome.groups", "outcome.actions", "outcome.sources")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


class Store:
    """A data folder holding the sample meeting, and the command line pointed at it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        settings = get_settings({"ENCUENTRO_DATA_DIR": str(folder)})
        seed_sample_store(settings)
        self.engine = make_engine(settings.database_url)
        save_meeting_settings(engine=self.engine, actor=CLI_ACTOR, info=MEETING)

    def run(self, *args: object) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["ENCUENTRO_DATA_DIR"] = str(self.folder)
        command = [sys.executable, "manage.py", "--lang", "en", *map(str, args)]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("report_store"))
    yield store
    store.engine.dispose()


class Built:
    def __init__(self, folder: Path, lang: str, run: subprocess.CompletedProcess[str]) -> None:
        self.folder, self.lang, self.run = folder, lang, run
        self.pdf = folder / f"report_{lang}.pdf"
        self.pack = folder / f"pack_{lang}.xlsx"
        self.reader = PdfReader(self.pdf)
        self.pages = [page.extract_text() for page in self.reader.pages]
        self.text = "\n".join(self.pages)


@pytest.fixture(scope="module", params=["es", "en"])
def built(request: pytest.FixtureRequest, store: Store, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The report and the pack in one language, written by the command line."""
    lang = request.param
    folder = tmp_path_factory.mktemp(f"report_{lang}")
    run = store.run(
        "report", folder / f"report_{lang}.pdf", "--lang", lang, "--pack", folder / f"pack_{lang}.xlsx"
    )
    assert run.returncode == 0, run.stderr
    return Built(folder, lang, run)


def test_the_command_says_what_it_wrote(built: Built):
    assert (
        t("outcome.cli_wrote_pdf", "en", path=built.pdf, pages=len(built.pages), charts=6) in built.run.stdout
    )
    assert "WARNING" not in built.run.stderr  # Streamlit's bare-mode warnings are silenced
    assert built.pack.is_file()


def test_the_pdf_renders_to_one_png_per_page(built: Built, tmp_path: Path):
    pdftoppm = require_program("pdftoppm", "poppler-utils")
    done = subprocess.run(
        [pdftoppm, "-png", "-r", "40", built.pdf, tmp_path / "page"], capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(built.pages) >= 5
    for png in pngs:
        width, height = png_size(png.read_bytes())
        assert (width, height) == pytest.approx((331, 468), abs=2)  # A4 portrait at 40 dpi


def test_headings_meeting_and_dates_are_in_the_chosen_language(built: Built):
    lang, other = built.lang, "en" if built.lang == "es" else "es"
    assert built.pages[0].startswith(MEETING.name)
    assert format_dates(MEETING.start, MEETING.end, lang) in built.pages[0]
    for key in HEADINGS:
        assert t(key, lang) in built.text
        assert t(key, other) not in built.text
    for key in ("outcome.groups", "outcome.actions", "outcome.sources"):  # each starts a page
        assert any(page.startswith(t(key, lang)) for page in built.pages), key
    assert t("outcome.page", lang, page=1, pages=len(built.pages)) in built.pages[0]


def test_spanish_accents_survive(built: Built):
    if built.lang == "es":
        assert "evaluación" in built.text and "Perú" in built.text and "Panamá" in built.text


def test_one_image_per_chart_slide(built: Built, store: Store):
    charts = [s for s in get_deck(store.engine) if s.kind in ("compare", "country")]
    images = [image for page in built.reader.pages for image in page.images]
    assert len(images) == len(charts) == 6
    titles = re.findall(t("outcome.figure", built.lang, number=r"(\d+)", name=""), built.text)
    assert [int(n) for n in titles] == list(range(1, len(charts) + 1))
    for image in images:  # drawn at print resolution, not a thumbnail
        assert image.image.width >= 1000


def test_every_chart_names_its_sources_and_versions(built: Built):
    cited = t("outcome.sources_line", built.lang, source="LLECE ERCE 2019", versions="").split("LLECE")[0]
    assert built.text.count(cited) >= 6
    assert re.search(r"(Perú|Peru) v1", built.text)


def test_no_contact_details_anywhere(built: Built, store: Store):
    assert not EMAIL.search(built.text)
    roster = list_roster(store.engine, actor=CLI_ACTOR)
    people = roster.dropna(subset=["email"])
    assert len(people) > 10
    flat = built.text.replace("\n", " ")
    for person in people.itertuples():
        assert person.email not in flat
        assert not person.phone or person.phone not in flat
    names = roster["name"].head(5)
    assert all(name in flat for name in names)  # the people are there, their contacts are not


def test_the_actions_have_owners_peers_and_due_dates(built: Built):
    for key in ("col_lead", "col_participants", "col_reviewer", "col_due"):
        assert t(f"actions.{key}", built.lang) in built.text
    assert "A01" in built.text and "A10" in built.text


def _results(path: Path) -> pd.DataFrame:
    frame = pd.read_excel(path, sheet_name=0, engine="openpyxl")
    frame.columns = [c.code for c in RESULTS.columns]
    return frame


def test_the_pack_reads_back_with_the_store_values(built: Built, store: Store):
    pack = _results(built.pack)
    published = queries.list_observations(store.engine)
    assert len(pack) == len(published) == queries.count_observations(store.engine)
    peru = pack[
        (pack["country"] == "PER") & (pack["indicator"] == "score_mean") & (pack["year"] == 2019)
        & (pack["grade"] == 6) & (pack["subject"] == "reading") & (pack["group"] == "total")
    ]  # fmt: skip
    assert peru["value"].tolist() == [741.22]
    keys = ["country", "indicator", "year", "grade", "subject", "group"]
    ours = pack.sort_values(keys)["value"].to_numpy()
    theirs = published.rename(columns={"country_iso3": "country", "indicator_code": "indicator"})
    assert list(ours) == list(theirs.sort_values(keys)["value"])


def test_the_pack_has_a_sources_sheet_without_uploaders(built: Built, store: Store):
    sheets = pd.read_excel(built.pack, sheet_name=None, engine="openpyxl")
    sources = sheets[t("outcome.pack_sheet", built.lang)]
    assert list(sources.columns) == source_headers(built.lang)
    published = queries.list_published(store.engine)
    assert sorted(sources.iloc[:, 0]) == sorted(published["country_iso3"])
    assert set(sources.iloc[:, 4]) == set(published["file_name"])
    assert not set(published["uploader"]) & set(sources.astype(str).to_numpy().ravel())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["out.pdf", "--lang", "fr"], "invalid choice"),
        (["out.txt"], t("outcome.cli_pdf_suffix", "en")),
        (["out.pdf", "--pack", "pack.csv"], t("outcome.cli_pack_suffix", "en")),
    ],
)
def test_rejected_input_exits_2_and_writes_nothing(store: Store, tmp_path: Path, args, message):
    run = store.run("report", *[tmp_path / a if a.endswith((".pdf", ".txt", ".csv")) else a for a in args])
    assert run.returncode == 2
    assert message in run.stderr
    assert list(tmp_path.iterdir()) == []


def _png(width: int, height: int) -> bytes:
    """A plain grey PNG of the given size, for layout tests."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x90" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_figure_keeps_its_title_with_its_image_and_is_never_stretched():
    filler = Table(pd.DataFrame({"a": [f"row {i}" for i in range(48)], "b": ["ñandú"] * 48}))
    tall = Figure("Gráfico 1. Alto", "Una lectura.", _png(200, 900), "Fuente: prueba.")
    doc = Document("Título", "Subtítulo", "pie", sections=(Section("Sección", blocks=(filler, tall)),))
    rendered = render(doc)
    reader = PdfReader(io.BytesIO(rendered.data))
    assert rendered.pages == len(reader.pages) == 2 and rendered.figures == 1
    last = reader.pages[1]
    assert "Gráfico 1. Alto" in last.extract_text() and len(last.images) == 1
    assert "ñandú" in reader.pages[0].extract_text()
    drawn = re.search(
        r"([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm\s*/I\w+ Do", last.get_contents().get_data().decode()
    )
    assert float(drawn[1]) / float(drawn[2]) == pytest.approx(200 / 900, rel=0.01)
    assert png_size(_png(200, 900)) == (200, 900)
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + bytes(20))
