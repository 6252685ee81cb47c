"""The upload page through AppTest: check, report, preview, publish, history and rollback, by role."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from app_accounts import account, sign_in
from streamlit.testing.v1 import AppTest

from components.country.history import history_version_key
from components.upload.file import UPLOAD_PUBLISH_KEY
from data_access.core.accounts import set_active
from data_access.core.actors import CLI_ACTOR, Actor
from data_access.core.catalogues import country_name
from data_access.core.i18n import t
from data_access.core.store import get_data_version
from data_access.publishing.versions import list_versions
from data_access.reports.report_export import filter_report, problems_to_xlsx
from data_access.workbooks.problems import Code, Problem, Report

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PER = ROOT / "sample_data" / "results" / "PER.xlsx"
HOSTILE = "<script>alert(1)</script>"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def per_workbook(**cells: object) -> bytes:
    """The sample PER workbook with CELLS ("G2"="abc", ...) replaced on its results sheet."""
    wb = openpyxl.load_workbook(SAMPLE_PER)
    ws = wb["resultados"]
    for ref, value in cells.items():
        ws[ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def open_upload(actor: Actor | None, lang: str = "en", **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    if actor is not None:
        sign_in(at, actor)
    at.switch_page("pages/upload.py")
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].upload(name, data, XLSX_MIME)
    at.run()
    assert not at.exception, at.exception
    return at


def problem_codes(at: AppTest) -> set[str]:
    table = at.dataframe[0].value
    return set(table[t("report.code", "en").capitalize()])


def publish_button(at: AppTest):
    return at.button(key=UPLOAD_PUBLISH_KEY)


def test_a_workbook_with_errors_is_reported_and_publishes_nothing(engine):
    actor = account(engine, "coord_per", country="PER")
    before = (get_data_version(engine), len(list_versions(engine, "PER")))
    at = open_upload(actor)
    at = upload(at, f"PER {HOSTILE}.xlsx", per_workbook(G2="abc", A3="COL"))
    verdict = at.error[0].value
    assert verdict == t("upload_report.verdict_errors_many", "en", n=2)
    assert {Code.TYPE_ERROR, Code.WRONG_COUNTRY} <= problem_codes(at)
    assert publish_button(at).disabled
    # the file name is shown as plain text, never as markdown
    assert any(HOSTILE in e.value for e in at.text)
    assert not any(HOSTILE in e.value for e in at.markdown)
    at.run()  # a rerun (a filter, a tick) checks nothing again and writes nothing
    assert publish_button(at).disabled
    assert (get_data_version(engine), len(list_versions(engine, "PER"))) == before


def test_user_text_is_only_shown_as_plain_text(engine):
    """Cell values and the file name reach the page only inside dataframes and st.text."""
    actor = account(engine, "coord_per", country="PER")
    hostile = ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", HOSTILE]
    at = upload(open_upload(actor), f"{hostile[1]}.xlsx", per_workbook(G2=hostile[0], G3=hostile[2]))
    formatted = [
        e.value
        for kind in ("markdown", "caption", "error", "warning", "info", "success")
        for e in at.get(kind)
    ]
    assert not [text for text in formatted if any(h in text for h in hostile)]
    values = set(at.dataframe[0].value[t("report.value", "en").capitalize()])
    assert {hostile[0], hostile[2]} <= values


def test_the_check_runs_once_per_file(engine, monkeypatch):
    import components.upload.file as upload_component

    calls = []
    real = upload_component.check_file
    monkeypatch.setattr(upload_component, "check_file", lambda **kw: calls.append(1) or real(**kw))
    actor = account(engine, "coord_per", country="PER")
    at = upload(open_upload(actor), "PER.xlsx", per_workbook(G2="abc", A3="COL"))
    at.multiselect(key="upload_problems_severity").set_value(["error"]).run()
    assert len(calls) == 1


def test_problem_filters_narrow_the_table(engine):
    actor = account(engine, "coord_per", country="PER")
    at = upload(open_upload(actor), "PER.xlsx", per_workbook(G2="abc", A3="COL"))
    at.multiselect(key="upload_problems_code").set_value([str(Code.WRONG_COUNTRY)]).run()
    assert problem_codes(at) == {Code.WRONG_COUNTRY}


def test_a_corrected_workbook_shows_one_change_and_publishes_version_2(engine):
    actor = account(engine, "coord_per", country="PER")
    old_value = openpyxl.load_workbook(SAMPLE_PER)["resultados"]["G2"].value
    at = upload(open_upload(actor), "PER.xlsx", per_workbook(G2=old_value + 10))
    assert at.success[0].value == t("upload_report.verdict_ok", "en")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("upload.diff_changed", "en")] == "1"
    assert metrics[t("upload.diff_added", "en")] == "0"
    assert metrics[t("upload.diff_removed", "en")] == "0"
    changes = at.dataframe[-2].value  # the changes table sits just above the history table
    assert len(changes) == 1
    value = t("upload.field_value", "en")
    row = changes.iloc[0]
    assert row[t("upload.col_old", "en", field=value)] == pytest.approx(old_value)
    assert row[t("upload.col_new", "en", field=value)] == pytest.approx(old_value + 10)
    assert not publish_button(at).disabled
    publish_button(at).click()
    at.run()
    assert not at.exception, at.exception
    published = t("upload.published", "en", version=2, country="Peru", rows="449")
    assert published in [s.value for s in at.success]
    versions = list_versions(engine, "PER")
    assert versions["version"].tolist() == [2, 1]
    assert versions.iloc[0]["status"] == "active" and versions.iloc[0]["uploader"] == "coord_per"
    assert at.file_uploader[0].value is None  # the upload was cleared


def test_the_same_figures_again_are_recognised(engine):
    actor = account(engine, "coord_per", country="PER")
    at = upload(open_upload(actor), "PER.xlsx", SAMPLE_PER.read_bytes())
    same = t("upload.same_figures", "en", version=1, country="Peru")
    assert same in [i.value for i in at.info]
    assert publish_button(at).disabled  # nothing new to publish
    assert len(list_versions(engine, "PER")) == 1


def test_warnings_must_be_accepted_before_publishing(engine):
    actor = account(engine, "coord_per", country="PER")
    at = upload(open_upload(actor), "PER.xlsx", per_workbook(Z1="surprise column", G2=755.5))
    assert at.warning[0].value == t("upload_report.verdict_warnings_one", "en", n=1)
    assert publish_button(at).disabled
    at.checkbox(key="upload_accept_warnings").check().run()
    assert not publish_button(at).disabled


def test_a_coordinator_cannot_choose_another_country(engine):
    actor = account(engine, "coord_col", country="COL")
    at = open_upload(actor, country="PER")
    assert not [s for s in at.selectbox if s.label == t("upload.country", "en")]
    assert at.subheader[0].value == t("upload.own_country", "en", country="Colombia")
    for box in at.main.selectbox:  # the menu's "My country" lists every country, to highlight one
        assert not any("PER" in str(o) or "Peru" in str(o) for o in box.options), box.label
    assert all("PER" not in str(v) for v in at.dataframe[0].value.to_numpy().ravel())


def test_an_anonymous_visitor_is_asked_to_log_in(engine):
    at = open_upload(None)
    assert at.warning[0].value == t("auth.page_needs_login", "en")
    assert len(at.file_uploader) == 0


def test_the_gated_page_offers_its_own_log_in(engine):
    """On a phone the side menu is out of sight: the page asking for a login holds the form too.
    Both forms post to the login route and come back here (the browser tests log in through them)."""
    at = open_upload(None, lang="pt", country="PER")
    forms = [h.proto.body for h in at.get("html") if "<form" in h.proto.body]
    kinds = [f.split('"')[1].split()[-1] for f in forms]
    assert kinds == ["encuentro-login-page", "encuentro-login-sidebar"]
    for form in forms:
        assert 'action="/auth/login"' in form and 'method="post"' in form
        assert 'name="next" value="/upload?lang=pt&amp;country=PER"' in form
        assert 'type="password"' in form and "Senha" in form


def test_a_failed_login_comes_back_with_the_message(engine):
    at = open_upload(None, lang="es", auth="failed")
    assert t("error.invalid_credentials", "es") in [e.value for e in at.error]
    forms = [h.proto.body for h in at.get("html") if "<form" in h.proto.body]
    assert all('value="/upload?lang=es"' in f for f in forms)  # the retry does not carry ?auth=


def test_a_session_ended_elsewhere_is_anonymous_at_the_next_rerun(engine):
    actor = account(engine, "coord_gone", country="PER")
    at = open_upload(actor)
    assert len(at.file_uploader) == 1
    set_active(engine=engine, actor=CLI_ACTOR, username="coord_gone", active=False)
    at.run()
    assert at.warning[0].value == t("auth.page_needs_login", "en") and len(at.file_uploader) == 0


def test_an_organizer_picks_any_country_and_the_link_preselects_it(engine):
    actor = account(engine, "org", role="organizer")
    at = open_upload(actor, country="BRA")
    box = at.selectbox(key="upload_country")
    assert box.value == "BRA"
    assert len(box.options) == 33
    assert country_name("PER", "en") in box.options
    box.select("PER").run()
    assert at.query_params["country"] == ["PER"] or at.query_params["country"] == "PER"
    assert len(at.file_uploader) == 1


def test_an_organizer_without_a_country_is_asked_to_choose(engine):
    actor = account(engine, "org", role="organizer")
    at = open_upload(actor)
    assert t("upload.choose_country", "en") in [i.value for i in at.info]
    assert len(at.file_uploader) == 0


def test_rollback_from_the_history_creates_a_new_version(engine):
    actor = account(engine, "coord_per", country="PER")
    at = upload(open_upload(actor), "PER v2.xlsx", per_workbook(G2=750))
    publish_button(at).click()
    at.run()
    assert list_versions(engine, "PER")["version"].tolist() == [2, 1]
    picker = at.selectbox(key=history_version_key("PER", 2))
    assert picker.value == 2  # a new version resets the picker to the newest
    assert t("upload_history.is_active", "en", version=2) in [c.value for c in at.main.caption]
    picker.select(1).run()
    rollback = at.button(key="upload_history_rollback")
    assert rollback.disabled
    at.checkbox(key="upload_history_confirm_1").check().run()
    at.button(key="upload_history_rollback").click()
    at.run()
    assert not at.exception, at.exception
    assert t("upload_history.rolled_back", "en", version=1, new=3) in [s.value for s in at.success]
    versions = list_versions(engine, "PER")
    assert versions["version"].tolist() == [3, 2, 1]
    assert versions.set_index("version").loc[3, "status"] == "active"
    history = at.dataframe[-1].value
    assert history[t("upload_history.col_note", "en")].iloc[0] == t(
        "upload_history.note_rollback", "en", version=1
    )


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_the_page_speaks_the_language(engine, lang):
    actor = account(engine, "coord_per", country="PER")
    at = open_upload(actor, lang=lang)
    assert at.title[0].value == t("upload.title", lang)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == [t("upload.template_filled_button", lang), t("upload.template_button", lang)]


def test_problem_workbook_keeps_cell_text_as_text():
    report = Report.of(
        [
            Problem(Code.TYPE_ERROR, sheet="results", row=2, column="value", value="=1+1"),
            Problem(Code.UNKNOWN_COLUMN, sheet="results", row=1, column="@SUM(A1)", value=HOSTILE),
        ]
    )
    wb = openpyxl.load_workbook(io.BytesIO(problems_to_xlsx(report, "es")))
    ws = wb.active
    assert [c.value for c in ws[1]][:2] == ["Gravedad", "Código"]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None}
    assert cells["=1+1"].data_type == "s"
    assert cells["@SUM(A1)"].data_type == "s"
    assert HOSTILE in cells


def test_filter_report_by_severity_and_code():
    report = Report.of([Problem(Code.TYPE_ERROR), Problem(Code.UNKNOWN_COLUMN), Problem(Code.WRONG_COUNTRY)])
    assert len(filter_report(report).problems) == 3
    assert [p.code for p in filter_report(report, severities=["warning"]).problems] == [Code.UNKNOWN_COLUMN]
    assert [p.code for p in filter_report(report, codes=["wrong-country"]).problems] == [Code.WRONG_COUNTRY]


def test_a_file_calamine_refuses_says_which_reader_read_it(engine):
    """Excel opens an .xlsx without its root relationships; calamine cannot, openpyxl can."""
    with zipfile.ZipFile(SAMPLE_PER) as zf:
        kept = [(i.filename, zf.read(i)) for i in zf.infolist() if i.filename != "_rels/.rels"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in kept:
            zf.writestr(name, body)
    at = upload(
        open_upload(account(engine, "coord_per", country="PER"), lang="pt"), "PER.xlsx", buffer.getvalue()
    )
    assert t("upload.second_reader", "pt", reader="openpyxl") in [i.value for i in at.info]
    # and it read every figure as calamine reads the untouched file: the same as published
    assert t("upload.same_figures", "pt", version=1, country="Peru") in [i.value for i in at.info]
