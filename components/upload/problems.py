"""The validation report of an upload: a one-line verdict, the problem table with filters, its
download, and the box that accepts warnings.

Layer: components. Values from the file appear only inside st.dataframe cells (plain text).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from data_access.core.formatting import format_number
from data_access.core.i18n import t
from data_access.reports.report_export import filter_report, problems_to_xlsx
from data_access.workbooks.problems import Report, Severity

PROBLEMS_SEVERITY_KEY = "upload_problems_severity"
PROBLEMS_CODE_KEY = "upload_problems_code"
PROBLEMS_DOWNLOAD_KEY = "upload_problems_download"
# Where, what was found and the whole sentence first, so they fit a laptop screen; the message
# already says what was expected, and the code is also a filter.
_LAYOUT = {
    "severity": "small",
    "sheet": "small",
    "row": "small",
    "column": "small",
    "value": "medium",
    "message": "large",
    "expected": "medium",
    "code": "medium",
}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _count(key: str, n: int, lang: str) -> str:
    """KEY_one or KEY_many, with N written for LANG."""
    return t(f"{key}_{'one' if n == 1 else 'many'}", lang, n=format_number(n, lang, 0))


def _header(column: str, lang: str) -> str:
    return t(f"report.{column}", lang).capitalize()


def render_verdict(report: Report, lang: str) -> None:
    """One line: errors block publishing, warnings need accepting, or nothing to fix."""
    warnings = len(report.warnings)
    if not report.ok:
        text = _count("upload_report.verdict_errors", report.error_count, lang)
        if warnings:
            text += " " + _count("upload_report.verdict_also_warnings", warnings, lang)
        st.error(text, icon=":material/error:")
    elif warnings:
        st.warning(_count("upload_report.verdict_warnings", warnings, lang), icon=":material/warning:")
    else:
        st.success(t("upload_report.verdict_ok", lang), icon=":material/check_circle:")


def _filters(report: Report, lang: str) -> tuple[list[str], list[str]]:
    counts = report.counts()
    severities = [s.value for s in Severity if any(p.severity is s for p in report.problems)]
    left, right = st.columns(2)
    chosen_severities = left.multiselect(
        t("upload_report.filter_severity", lang),
        severities,
        format_func=lambda s: t(f"severity.{s}", lang),
        placeholder=t("upload_report.filter_all", lang),
        key=PROBLEMS_SEVERITY_KEY,
    )
    chosen_codes = right.multiselect(
        t("upload_report.filter_code", lang),
        sorted(counts),
        format_func=lambda code: f"{code} ({format_number(counts[code], lang, 0)})",
        placeholder=t("upload_report.filter_all", lang),
        key=PROBLEMS_CODE_KEY,
    )
    return chosen_severities, chosen_codes


def render_problem_table(report: Report, country_iso3: str, lang: str) -> None:
    """The problems, filtered by severity and code, with translated headers and an XLSX download."""
    severities, codes = _filters(report, lang)
    shown = filter_report(report, severities=severities, codes=codes)
    frame = shown.to_frame(lang)
    frame.columns = [_header(c, lang) for c in frame.columns]
    st.dataframe(
        frame,
        hide_index=True,
        column_order=[_header(c, lang) for c in _LAYOUT],
        column_config={_header(c, lang): st.column_config.Column(width=w) for c, w in _LAYOUT.items()},
        placeholder="–",
    )
    if len(shown.problems) < len(report.problems):
        st.caption(t("upload_report.filtered", lang, shown=len(shown.problems), total=len(report.problems)))
    st.download_button(
        t("upload_report.download", lang),
        _xlsx_writer(report, lang),
        file_name=t("upload_report.file_name", lang, country=country_iso3),
        mime=XLSX_MIME,
        icon=":material/download:",
        key=PROBLEMS_DOWNLOAD_KEY,
    )


def _xlsx_writer(report: Report, lang: str) -> Callable[[], bytes]:
    """Built only when someone clicks, so filtering a long report stays quick."""
    return lambda: problems_to_xlsx(report, lang)


def render_warning_acceptance(report: Report, accept_key: str, lang: str) -> bool:
    """A tick that accepts the warnings of a file without errors; True when nothing is left to accept."""
    if not report.ok or not report.warnings:
        return report.ok
    return st.checkbox(t("upload_report.accept_warnings", lang), key=accept_key)


def render_report(report: Report, country_iso3: str, accept_key: str, lang: str) -> bool:
    """The whole validation report; returns whether the warnings (if any) are accepted."""
    render_verdict(report, lang)
    if report.problems:
        render_problem_table(report, country_iso3, lang)
    return render_warning_acceptance(report, accept_key, lang)
