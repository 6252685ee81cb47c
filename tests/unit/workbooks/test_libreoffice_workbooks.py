"""Workbooks saved by LibreOffice import the same figures as the openpyxl-written ones.

Layer: tests (unit). Debian's libreoffice-calc-nogui converts the files once per module, with a
private profile; without `soffice` the tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from result_workbooks import results_xlsx, row

from data_access.core.actors import CLI_ACTOR
from data_access.core.catalogues import seed_reference
from data_access.core.settings import Settings
from data_access.core.store import make_engine, migrate, session_scope
from data_access.publishing.imports import import_file
from data_access.stats import queries
from tests.tools import require_program

SAMPLE_PER = Path(__file__).resolve().parents[3] / "sample_data" / "results" / "PER.xlsx"
TITLES = (["Resultados nacionales ERCE 2019 — Perú"], ["Ministerio de Educación, Oficina de Medición"])
# The same figures typed as text, the way a Spanish-locale Calc user types them, and as numbers.
TYPED = [
    row(value="741,22"),
    row(year=2013, value="1.034,5"),
    row(grade=3, value="702,67"),
    row(indicator="level_1_pct", value="45,3 %"),
    row(indicator="level_2_pct", value="12,5"),
]
NUMBERS = [
    row(value=741.22),
    row(year=2013, value=1034.5),
    row(grade=3, value=702.67),
    row(indicator="level_1_pct", value=45.3),
    row(indicator="level_2_pct", value=12.5),
]
KEY = ["country_iso3", "indicator_code", "year", "grade", "subject", "group"]


def convert(source: Path, target: str, folder: Path) -> bytes:
    """SOURCE saved by LibreOffice as TARGET (ods, xlsx) into FOLDER; its bytes."""
    soffice = require_program("soffice", "libreoffice-calc-nogui")  # CI=true: a failure, not a skip
    folder.mkdir(parents=True, exist_ok=True)
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"  # apart from any running office
    command = [soffice, profile, "--headless", "--convert-to", target, "--outdir", str(folder), str(source)]
    subprocess.run(
        command, check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(folder)}
    )
    return (folder / f"{source.stem}.{target}").read_bytes()


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The sample PER.xlsx as .ods, and the typed-as-text workbook re-saved as .xlsx."""
    folder = tmp_path_factory.mktemp("libreoffice")
    typed = folder / "typed.xlsx"
    typed.write_bytes(results_xlsx(*TYPED, above=TITLES))
    return {
        "ods": convert(SAMPLE_PER, "ods", folder / "ods"),
        "xlsx": convert(typed, "xlsx", folder / "xlsx"),
    }


def import_into_fresh_store(data: bytes, file_name: str, folder: Path, settings: Settings) -> pd.DataFrame:
    """Import DATA into a new store in FOLDER; the published figures without version and time."""
    engine = make_engine(f"sqlite:///{folder / 'encuentro.db'}")
    try:
        migrate(engine)
        with session_scope(engine) as session:
            seed_reference(session=session)
        result = import_file(
            engine=engine, settings=settings, data=data, file_name=file_name, actor=CLI_ACTOR
        )
        assert result.published, [p.message("en") for p in result.report.problems[:5]]
        assert not result.report.warnings, [p.message("en") for p in result.report.warnings]
        frame = queries.list_observations(engine).drop(columns=["version", "published_at"])
    finally:
        engine.dispose()
    return frame.sort_values(KEY).reset_index(drop=True)


def test_libreoffice_wrote_the_files(saved_by_libreoffice: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(saved_by_libreoffice["xlsx"])) as zf:
        assert b"LibreOffice" in zf.read("docProps/app.xml")
        assert b">741,22<" in zf.read("xl/sharedStrings.xml")  # still text, as typed
    with zipfile.ZipFile(io.BytesIO(saved_by_libreoffice["ods"])) as zf:
        assert zf.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert b"LibreOffice" in zf.read("meta.xml")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("ods", lambda: SAMPLE_PER.read_bytes()), ("xlsx", lambda: results_xlsx(*NUMBERS))],
    ids=["sample-PER-as-ods", "spanish-xlsx-titles-and-text-numbers"],
)
def test_a_libreoffice_file_imports_the_same_figures(
    saved_by_libreoffice: dict[str, bytes],
    kind: str,
    expected: Callable[[], bytes],
    tmp_path: Path,
    settings: Settings,
) -> None:
    (tmp_path / "lo").mkdir()
    (tmp_path / "openpyxl").mkdir()
    got = import_into_fresh_store(saved_by_libreoffice[kind], f"PER.{kind}", tmp_path / "lo", settings)
    want = import_into_fresh_store(expected(), "PER.xlsx", tmp_path / "openpyxl", settings)
    assert len(got) == len(want) > 0
    pd.testing.assert_frame_equal(got, want)
