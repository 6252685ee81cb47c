"""The coordinator's flow in Chromium: log in, download the template, fill it with openpyxl,
upload a workbook with errors (nothing published), then a clean one that publishes. Text that
looks like HTML, script or a markdown link is shown as text wherever it appears; no dialog opens."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from data_access.core.i18n import t
from data_access.core.store import make_engine
from data_access.publishing.versions import list_versions
from tests.browser.conftest import PASSWORD, create_account, log_in, wait_ready

pytestmark = pytest.mark.browser
HOSTILE = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))")


@pytest.fixture(scope="module")
def coordinator(data_dir: Path) -> str:
    return create_account(data_dir, "coord_chl", "coordinator", "CHL")


def fill_template(template: Path, target: Path, value: object, note: str) -> Path:
    """The downloaded template with one row in it, as a coordinator would fill it."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    row = {
        "país": "CHL",
        "indicador": "score_mean",
        "año": 2023,
        "grado": 6,
        "área": "reading",
        "grupo": "total",
        "valor": value,
        "nota": note,
        "fuente": HOSTILE[0],
    }
    for name, cell_value in row.items():
        sheet.cell(row=2, column=header.index(name) + 1).value = cell_value
    book.save(target)
    return target


def upload(page, path: Path) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.wait_for_selector(f"text={t('upload.file_checked', 'es', name=path.name)}")
    wait_ready(page)


def download_template(page, folder: Path) -> Path:
    """On /upload, once it has drawn: the empty template, saved in FOLDER."""
    page.wait_for_selector(f"h1:has-text('{t('upload.title', 'es')}')")
    wait_ready(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=t("upload.template_button", "es"), exact=True).click()
    template = folder / "plantilla.xlsx"
    download.value.save_as(template)
    return template


def assert_inert(page) -> None:
    """Nothing a user typed became markup: no injected image, script or javascript: link."""
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.dialogs == []


def test_coordinator_fills_the_template_and_publishes(server, page, coordinator, data_dir, tmp_path):
    log_in(page, server, coordinator, PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav.upload", "es")).click()
    template = download_template(page, tmp_path)

    bad = fill_template(template, tmp_path / f"{HOSTILE[1]}.xlsx", HOSTILE[1], HOSTILE[2])
    upload(page, bad)
    publish = page.get_by_role("button", name=re.compile(t("upload.publish", "es", country="Chile")))
    assert publish.is_disabled()
    assert t("upload.file_checked", "es", name=bad.name) in page.inner_text("body")  # as text, verbatim
    assert_inert(page)
    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    assert list_versions(engine, "CHL")["version"].max() == 1

    good = fill_template(template, tmp_path / f"{HOSTILE[2]}.xlsx", 751.5, HOSTILE[2])
    upload(page, good)
    rows = int(list_versions(engine, "CHL")["row_count"].iloc[0]) + 1  # an update adds the one row
    page.get_by_role("button", name=t("upload.publish", "es", country="Chile")).click()
    page.wait_for_selector(f"text={t('upload.published', 'es', version=2, country='Chile', rows=rows)}")
    assert list_versions(engine, "CHL")["version"].max() == 2
    assert_inert(page)

    page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav.overview", "es")).click()
    page.wait_for_selector("[data-testid='stTable'] table")
    wait_ready(page)
    cells = page.locator("[data-testid='stTable'] tbody tr", has_text="Chile").locator("td")
    assert cells.nth(1).inner_text().strip() == "2"
    assert "Chile publicó la versión 2" in page.inner_text("body")
    assert_inert(page)
    engine.dispose()


def partial_workbook(template: Path, target: Path, country: str) -> Path:
    """The empty template with two figures typed in: what a coordinator sends to correct two."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row, (subject, value) in enumerate((("reading", 701.5), ("mathematics", 702.5)), start=2):
        values = {"país": country, "indicador": "score_mean", "año": 2019, "grado": 6, "área": subject}
        for name, cell_value in (values | {"grupo": "total", "valor": value}).items():
            sheet.cell(row=row, column=header.index(name) + 1).value = cell_value
    book.save(target)
    return target


def test_a_removing_publish_names_what_goes_and_waits_for_a_confirmation(server, page, data_dir, tmp_path):
    user = create_account(data_dir, "coord_ury", "coordinator", "URY")
    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    before = list_versions(engine, "URY")
    published = int(before["row_count"].iloc[0])
    log_in(page, server, user, PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("link", name=t("nav.upload", "es")).click()
    template = download_template(page, tmp_path)
    upload(page, partial_workbook(template, tmp_path / "dos_cifras.xlsx", "URY"))

    # Update, the default: the two figures change and everything else stays; a plain publish.
    body = page.inner_text("body")
    assert t("upload.mode_update_help", "es") in body
    assert t("upload.removal_danger", "es", country="Uruguay", removed="1", total="1")[:20] not in body
    assert page.get_by_role("button", name=t("upload.publish", "es", country="Uruguay")).is_enabled()

    # Replace: nearly all of Uruguay's figures would go; shown as a danger, publish waits for the box.
    page.get_by_text(t("upload.mode_replace", "es"), exact=True).click()
    wait_ready(page)
    removed = published - 2
    number = str(removed)  # under a thousand: no separator in any language
    page.wait_for_selector(f"text={t('upload.publish_removing', 'es', removed=number, country='Uruguay')}")
    body = page.inner_text("body")
    total = str(published)
    assert t("upload.removal_danger", "es", country="Uruguay", removed=number, total=total) in body
    assert t("upload.cycles_removed", "es", country="Uruguay", cycles="SERCE 2006, TERCE 2013") in body
    publish = page.get_by_role(
        "button", name=t("upload.publish_removing", "es", removed=number, country="Uruguay")
    )
    assert publish.is_disabled()
    assert list_versions(engine, "URY").equals(before)

    page.get_by_text(t("upload.confirm_removal", "es", removed=number, country="Uruguay")).click()
    expect(publish).to_be_enabled(timeout=30_000)  # once the rerun the tick asked for is drawn
    publish.click()
    following = int(before["version"].max()) + 1  # other tests of this session may publish URY too
    page.wait_for_selector(
        f"text={t('upload.published', 'es', version=following, country='Uruguay', rows=2)}"
    )
    after = list_versions(engine, "URY")
    assert (
        after["version"].tolist() == [following, *before["version"]] and int(after["row_count"].iloc[0]) == 2
    )
    engine.dispose()
