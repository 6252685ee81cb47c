"""The open data API over HTTP from a served app on the sample meeting: every route compared with
`manage.py export`, earlier states by as_of= and version=, ETags, the Frictionless data package
validated by the frictionless library, and never a contact detail.

Layer: tests (routes).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import frictionless
import openpyxl
import pandas as pd
import pytest
from sqlmodel import Session, select

from bench.server import serve
from data_access.core.catalogues import default_indicators
from data_access.core.models import Member
from data_access.core.store import make_engine
from data_access.reports.open_data import FIGURE_COLUMNS, to_csv

ROOT = Path(__file__).resolve().parents[2]
KEYS = ["country_iso3", "indicator_code", "year", "grade", "subject", "group"]
pytestmark = pytest.mark.slow


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The sample meeting served: (base URL, data folder, env)."""
    data_dir = tmp_path_factory.mktemp("open-data")
    env = {"ENCUENTRO_DATA_DIR": str(data_dir)}
    _manage(env, "seed")
    with serve(env) as url:
        yield url, data_dir, env


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _csv(body: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(body), keep_default_na=False, na_values=[""])


def test_every_figure_matches_the_export(app, tmp_path):
    url, _, env = app
    status, headers, body = get(url + "/api/v1/figures.csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    api = _csv(body)
    assert list(api.columns) == list(FIGURE_COLUMNS)
    out = tmp_path / "export.csv"
    _manage(env, "export", str(out))
    export = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    export = export.rename(columns={"country": "country_iso3", "indicator": "indicator_code"})
    joined = api.merge(export, on=KEYS, how="outer", suffixes=("", "_export"), indicator=True)
    assert set(joined["_merge"]) == {"both"} and len(api) == len(export)
    assert (joined["value"] - joined["value_export"]).abs().max() < 1e-9
    assert api["version"].notna().all() and api["published_at"].str.endswith("Z").all()
    assert api["source"].notna().all()
    status, _, body = get(url + "/api/v1/figures.json")
    rows = json.loads(body)["figures"]
    assert len(rows) == len(api) and rows[0]["country_iso3"] == api["country_iso3"][0]


def test_compare_filters_narrow_the_figures(app):
    url, _, _ = app
    query = "indicator=score_mean&grade=6&subject=reading&year=2019&group=total&countries=PER,COL"
    figures = _csv(get(f"{url}/api/v1/figures.csv?{query}&chart=ranking&sort=name")[2])  # /compare's extras
    assert sorted(figures["country_iso3"]) == ["COL", "PER"]
    assert set(figures["indicator_code"]) == {"score_mean"} and set(figures["year"]) == {2019}
    blank = _csv(get(f"{url}/api/v1/figures.csv?indicator=ser_empathy&subject=")[2])
    assert len(blank) and blank["subject"].isna().all()  # blank: the figures without a subject
    status, _, body = get(f"{url}/api/v1/figures.json?indicator=nope&lang=pt")
    assert (
        status == 400 and "«nope»" in json.loads(body)["error"] and json.loads(body)["param"] == "indicator"
    )
    for bad in ("year=abc", "as_of=yesterday", "version=2", "countries=XXX"):
        assert get(f"{url}/api/v1/figures.csv?{bad}")[0] == 400, bad


def test_earlier_states_by_as_of_and_version(app, tmp_path):
    """Peru publishes a changed figure: the current state has it, as_of= and version= the old one."""
    url, _, env = app
    query = "countries=PER&indicator=score_mean&grade=6&subject=reading&group=total"
    first = _csv(get(f"{url}/api/v1/figures.csv?{query}")[2])
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    time.sleep(1.1)
    workbook = tmp_path / "per.xlsx"
    _manage(env, "template", str(workbook), "--country", "PER", "--published")
    book = openpyxl.load_workbook(workbook)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    wanted = {"indicador": "score_mean", "grado": 6, "área": "reading", "grupo": "total"}
    rows = [
        r for r in sheet.iter_rows(min_row=2) if all(r[header.index(k)].value == v for k, v in wanted.items())
    ]
    rows[0][header.index("valor")].value = 654.32
    book.save(workbook)
    _manage(env, "import", str(workbook))
    time.sleep(1.2)  # the live state the API reads its data version from is a second old at most
    now = _csv(get(f"{url}/api/v1/figures.csv?{query}")[2])
    assert set(now["version"]) == {2} and 654.32 in now["value"].tolist()
    old = _csv(get(f"{url}/api/v1/figures.csv?{query}&as_of={before}")[2])
    assert old.equals(first) and set(old["version"]) == {1}
    assert _csv(get(f"{url}/api/v1/figures.csv?{query}&version=1")[2]).equals(first)
    versions = _csv(get(url + "/api/v1/versions.csv")[2]).query("country_iso3 == 'PER'")
    assert versions[["version", "status"]].values.tolist() == [[2, "active"], [1, "superseded"]]
    assert _csv(get(f"{url}/api/v1/figures.csv?as_of=2000-01-01")[2]).empty


def test_indicators_and_versions_in_both_formats(app):
    url, _, _ = app
    indicators = _csv(get(url + "/api/v1/indicators.csv")[2]).set_index("code")
    assert set(indicators.index) == {i.code for i in default_indicators()}
    assert indicators.loc["level_1_pct", "direction"] == "lower"
    assert indicators.loc["level_2_pct", "direction"] == "neither"
    assert indicators.loc["score_mean", "name_pt"] and indicators.loc["score_mean", "name_en"]
    as_json = json.loads(get(url + "/api/v1/indicators.json")[2])
    assert as_json["count"] == len(indicators)
    versions = _csv(get(url + "/api/v1/versions.csv")[2])
    assert list(versions.columns) == ["country_iso3", "version", "status", "published_at", "rows"]
    assert json.loads(get(url + "/api/v1/versions")[2])["count"] == len(versions)


def test_etags_and_caching_follow_the_data_version(app):
    url, _, _ = app
    status, headers, _ = get(url + "/api/v1/figures.csv?countries=URY")
    assert status == 200 and headers["etag"].startswith('W/"') and "max-age" in headers["cache-control"]
    assert headers["access-control-allow-origin"] == "*"
    status, again, body = get(url + "/api/v1/figures.csv?countries=URY", {"If-None-Match": headers["etag"]})
    assert status == 304 and body == b"" and again["etag"] == headers["etag"]
    other = get(url + "/api/v1/figures.csv?countries=CHL")[1]["etag"]
    assert other != headers["etag"]  # another query, another tag


def test_no_contact_detail_ever_leaves(app):
    url, data_dir, _ = app
    engine = make_engine(f"sqlite:///{data_dir / 'encuentro.db'}")
    with Session(engine) as session:
        contacts = {v for m in session.exec(select(Member)) for v in (m.email, m.phone) if v}
    engine.dispose()
    assert contacts  # the sample meeting has some
    for path in (
        "figures.csv",
        "figures.json",
        "versions",
        "versions.csv",
        "indicators.csv",
        "datapackage.json",
    ):
        body = get(f"{url}/api/v1/{path}")[2].decode()
        assert not [c for c in contacts if c in body], path


def test_the_data_package_validates_with_frictionless(app):
    url, _, _ = app
    package = json.loads(get(url + "/api/v1/datapackage.json")[2])
    assert [r["name"] for r in package["resources"]] == ["figures", "versions", "indicators"]
    report = frictionless.validate(url + "/api/v1/datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]
    assert report.stats["tasks"] == 3


def test_text_a_spreadsheet_would_run_is_neutralized():
    frame = pd.DataFrame([dict.fromkeys(FIGURE_COLUMNS)]).assign(
        source="=HYPERLINK(1)", note="+cmd", value=1.5
    )
    text = to_csv(frame).decode()
    assert "'=HYPERLINK(1)" in text and "'+cmd" in text and "1.5" in text
