"""An open overview shows a version published through the command line, without a reload."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.browser.conftest import ROOT, wait_ready

pytestmark = pytest.mark.browser


def _nudged(source: Path, target: Path) -> Path:
    book = openpyxl.load_workbook(source)
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[1]].index("valor") + 1
    sheet.cell(row=2, column=column).value = float(sheet.cell(row=2, column=column).value) + 0.5
    buffer = io.BytesIO()
    book.save(buffer)
    target.write_bytes(buffer.getvalue())
    return target


def test_a_publish_appears_on_the_open_overview(server, page, data_dir, tmp_path):
    page.goto(server + "/")
    page.wait_for_selector("h1")
    wait_ready(page)
    workbook = _nudged(ROOT / "sample_data" / "results" / "URY.xlsx", tmp_path / "URY.xlsx")
    env = {**os.environ, "ENCUENTRO_DATA_DIR": str(data_dir)}
    cmd = [sys.executable, "manage.py", "import", str(workbook), "--country", "URY"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    # no reload, no click: the page's poll notices the new data version and reruns
    page.wait_for_function(
        "t => document.body.innerText.includes(t)", arg="Uruguay publicó la versión 2", timeout=20_000
    )
    row = page.locator("[data-testid='stTable'] tbody tr", has_text="Uruguay")
    assert row.locator("td").nth(1).inner_text().strip() == "2"
