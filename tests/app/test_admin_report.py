"""The report tab of /admin through AppTest, and the country briefs it zips, built in-process from
the seeded sample meeting the way the download buttons build them."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from app_accounts import account, sign_in
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from components.admin import report as admin_report
from components.report import meeting_report as report
from data_access.core.i18n import t
from data_access.core.settings import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
BRIEF_TITLES = {
    "es": "Perú: ficha del encuentro",
    "pt": "Peru: ficha do encontro",
    "en": "Peru: meeting brief",
}


def _elements(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _elements(child)


def open_admin(actor, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    sign_in(at, actor)
    at = at.switch_page("pages/admin.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["es", "en"])
def test_organizers_get_the_report_tab_and_nothing_is_built_until_a_click(engine, monkeypatch, lang):
    built: list[str] = []
    for name in ("build_report_pdf", "build_pack_xlsx", "build_briefs_zip"):
        monkeypatch.setattr(admin_report, name, lambda *args, _name=name: built.append(_name) or b"")
    at = open_admin(account(engine, "org"), lang)
    assert t("outcome.admin_tab", lang) in [tab.label for tab in at.tabs]
    assert t("outcome.admin_title", lang) in [h.value for h in at.subheader]
    downloads = [e for e in _elements(at._tree) if e.type == "download_button"]
    labels = [e.proto.label for e in downloads if e.proto.id and "admin_report" in e.proto.id]
    assert labels == [t(f"outcome.download_{k}", lang) for k in ("pdf", "pack", "briefs")]
    assert at.selectbox(key=admin_report.LANG_KEY).value == lang
    at.selectbox(key=admin_report.LANG_KEY).select("pt").run()
    assert not at.exception and built == []  # a rerun builds nothing


def test_each_brief_is_one_page_in_its_language_with_the_profile_chart():
    briefs = report.build_briefs(["PER"])
    assert sorted(briefs) == sorted(f"brief_PER_{lang}.pdf" for lang in LANGUAGES)
    for lang in LANGUAGES:
        reader = PdfReader(io.BytesIO(briefs[f"brief_PER_{lang}.pdf"]))
        text = reader.pages[0].extract_text()
        assert len(reader.pages) == 1
        assert text.startswith(BRIEF_TITLES[lang])
        assert t("country.section_profile", lang) in text and t("outcome.brief_actions", lang) in text
        assert len(reader.pages[0].images) == 1
        assert "A01" in text  # Peru leads the diagnostic-protocol action in the sample meeting
        assert not EMAIL.search(text)


def test_the_briefs_zip_holds_every_country_in_three_languages(monkeypatch):
    monkeypatch.setattr(report, "brief_countries", lambda: ["URY", "CUB"])
    with zipfile.ZipFile(io.BytesIO(report.build_briefs_zip())) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"brief_{c}_{lang}.pdf" for c in ("URY", "CUB") for lang in LANGUAGES)
        assert all(archive.read(name).startswith(b"%PDF") for name in names)
