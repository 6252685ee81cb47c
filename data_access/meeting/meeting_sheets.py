"""Reading roster (groups, members) and joint-action workbooks into checked frames and a Report.

Layer: data_access, pure functions over a RawWorkbook. Same sheet rules and problem codes as the
results workbook; frames use the sheets' column codes, ready for data_access.meeting.records to store.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import cache

import pandas as pd

from data_access.core.catalogues import resolve_country
from data_access.core.i18n import fold, t
from data_access.core.models import Indicator
from data_access.core.settings import LANGUAGES
from data_access.workbooks.cells import parse_date
from data_access.workbooks.column_checks import (
    Collector,
    check_country,
    check_formulas,
    check_indicator,
    check_lookup,
    check_required,
    check_texts,
    country_choices,
    map_distinct,
    suggest,
    text_values,
)
from data_access.workbooks.columns import (
    ACTION_STATUSES,
    ACTIONS,
    COMPLETIONS,
    GROUPS,
    MEMBER_ROLES,
    MEMBERS,
    SheetSpec,
)
from data_access.workbooks.problems import Code, Expect, Problem, Report
from data_access.workbooks.tabular import EXCEL_ROW, pick_sheet, read_table
from data_access.workbooks.workbook import RawWorkbook

MAX_TEXT = 4000  # descriptions may be long; longer text is an error, not silently cut
EMAIL = re.compile(r"[^\s@<>()\[\],;:\"]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
LIST_SEPARATORS = re.compile(r"[,;\n]")
# Spellings people use beyond the es/pt/en labels in texts/meeting.toml.
ALIASES = {
    "role": {
        "presidente": "chair",
        "presidenta": "chair",
        "chairperson": "chair",
        "copresidente": "co-chair",
        "copresidenta": "co-chair",
        "relator": "rapporteur",
        "relatora": "rapporteur",
        "integrante": "member",
    },
    "status": {
        "en progreso": "in_progress",
        "en proceso": "in_progress",
        "concluida": "done",
        "cancelada": "dropped",
    },
    "completion": {"no iniciada": "not_started", "sin iniciar": "not_started", "completa": "complete"},
}
VOCABULARIES = {"role": MEMBER_ROLES, "status": ACTION_STATUSES, "completion": COMPLETIONS}
TRUE_WORDS = frozenset(
    fold(w) for w in ("sí", "si", "sim", "yes", "true", "verdadero", "verdadeiro", "x", "1")
)
FALSE_WORDS = frozenset(fold(w) for w in ("no", "não", "nao", "false", "falso", "0"))
GROUP_TEXTS = tuple(col.code for col in GROUPS.columns)


@cache
def _vocabulary(kind: str) -> dict[str, str]:
    """Folded code, es/pt/en label or alias -> code, for roles, statuses and completions."""
    out = {fold(alias): code for alias, code in ALIASES[kind].items()}
    for code in VOCABULARIES[kind]:
        out |= {fold(code): code} | {fold(t(f"{kind}.{code}", lang)): code for lang in LANGUAGES}
    return out


def _check_vocabulary(c: Collector, kind: str, code: Code, default: str) -> pd.Series:
    """A role, status or completion column (named as its vocabulary) as codes; DEFAULT when empty."""
    column = kind
    words = _vocabulary(kind)
    choices = {fold(t(f"{kind}.{v}", "es")): t(f"{kind}.{v}", "es") for v in VOCABULARIES[kind]}
    out = check_lookup(c, column, lambda v: words.get(fold(v)), code, choices)
    return out.where(c.filled(column), default)


def _check_email(c: Collector) -> None:
    valid = map_distinct(c.frame["email"], lambda v: isinstance(v, str) and bool(EMAIL.fullmatch(v)), True)
    c.flag(Code.INVALID_EMAIL, "email", pd.Series(~valid.astype(bool), index=c.frame.index))


def _check_boolean(c: Collector, column: str) -> pd.Series:
    def read(value: object) -> bool | None:
        word = fold(value)
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None

    values = pd.Series(map_distinct(c.frame[column], read, False), index=c.frame.index, dtype=object)
    c.flag(Code.TYPE_ERROR, column, values.isna(), expect=Expect.BOOLEAN)
    return values.map(lambda v: v is True).astype(bool)


def _check_unique(c: Collector, keys: pd.DataFrame, column: str, code: Code, **params: object) -> None:
    """Rows whose KEYS repeat an earlier row's; each names the first row it repeats."""
    complete = keys.notna().all(axis=1)
    frame = keys[complete]
    repeated = frame.duplicated(keep="first")
    if not repeated.any():
        return
    first = c.frame[EXCEL_ROW][complete].groupby([frame[k] for k in frame], sort=False).transform("first")
    shown = text_values(c.frame[column])
    per_row = pd.Series(
        [{"first_row": str(r), "key": shown[i]} for i, r in first[repeated].items()],
        index=first[repeated].index,
        dtype=object,
    ).reindex(c.frame.index)
    c.flag(code, column, repeated.reindex(c.frame.index, fill_value=False), per_row=per_row, **params)


def _check_group(c: Collector, known: dict[str, str]) -> pd.Series:
    choices = {folded: code for folded, code in known.items()}
    return check_lookup(c, "group", lambda v: known.get(fold(v)), Code.UNKNOWN_WORKING_GROUP, choices)


def _start(raw: RawWorkbook, spec: SheetSpec, *, fallback: bool = True) -> Collector | list[Problem]:
    table, problems = read_table(raw, spec, fallback=fallback)
    if table is None:
        return problems
    c = Collector(table, problems)
    check_formulas(c)
    for column in spec.columns:
        if column.required:
            check_required(
                c, column.code, Expect.WORKING_GROUP if column.kind == "working_group" else Expect.TEXT
            )
    return c


def _finish(c: Collector, columns: dict[str, pd.Series]) -> tuple[pd.DataFrame, list[Problem]]:
    frame = pd.DataFrame(columns | {EXCEL_ROW: c.frame[EXCEL_ROW]})
    return frame[c.usable()].reset_index(drop=True), c.sorted_problems()


def _empty(spec: SheetSpec) -> pd.DataFrame:
    return pd.DataFrame(
        {code: pd.Series(dtype=object) for code in [c.code for c in spec.columns] + [EXCEL_ROW]}
    )


def _read_groups(raw: RawWorkbook) -> tuple[pd.DataFrame, list[Problem]]:
    c = _start(raw, GROUPS, fallback=False)
    if isinstance(c, list):
        return _empty(GROUPS), c
    check_texts(c, GROUP_TEXTS, MAX_TEXT)
    codes = text_values(c.frame["code"])
    _check_unique(
        c,
        pd.DataFrame({"code": codes.map(fold, na_action="ignore")}),
        "code",
        Code.DUPLICATE_ROW,
        expect=Expect.UNIQUE_CODE,
    )
    return _finish(c, {col: text_values(c.frame[col]) for col in GROUP_TEXTS})


def _read_members(raw: RawWorkbook, known: dict[str, str]) -> tuple[pd.DataFrame, list[Problem]]:
    c = _start(raw, MEMBERS)
    if isinstance(c, list):
        return _empty(MEMBERS), c
    texts = ("name", "institution", "position", "email", "phone")
    check_texts(c, texts, MAX_TEXT)
    group, country = _check_group(c, known), check_country(c, "country")
    _check_email(c)
    columns = {col: text_values(c.frame[col]) for col in texts}
    people = pd.DataFrame(
        {"g": group, "n": columns["name"].map(fold, na_action="ignore"), "c": country.fillna("")}
    )
    _check_unique(c, people, "name", Code.DUPLICATE_MEMBER)
    role = _check_vocabulary(c, "role", Code.UNKNOWN_ROLE, "member")
    fictional = _check_boolean(c, "fictional")
    columns |= {"group": group, "role": role, "country": country, "fictional": fictional}
    return _finish(c, {spec.code: columns[spec.code] for spec in MEMBERS.columns})


def read_roster(
    raw: RawWorkbook, *, known_groups: Collection[str] = ()
) -> tuple[pd.DataFrame, pd.DataFrame, Report]:
    """Working groups (optional sheet) and their members, checked in one pass, with every problem."""
    known = {fold(code): code for code in known_groups}
    groups, problems = _empty(GROUPS), list[Problem]()
    if pick_sheet(raw, GROUPS, fallback=False)[0] is not None:
        groups, problems = _read_groups(raw)
        for row in groups.itertuples():
            known |= {
                fold(name): str(row.code)
                for name in (row.code, row.name_es, row.name_pt, row.name_en)
                if name
            }
    members, member_problems = _read_members(raw, known)
    return groups, members, Report.of(problems + member_problems)


def _check_participants(c: Collector) -> pd.Series:
    """A comma- or semicolon-separated list of countries as "PER,COL"; unknown names reported."""

    def read(value: object) -> tuple[str, str]:
        parts = [p.strip() for p in LIST_SEPARATORS.split(str(value)) if p.strip()]
        codes = [resolve_country(p) for p in parts]
        unknown = "; ".join(p for p, code in zip(parts, codes, strict=True) if code is None)
        return ",".join(dict.fromkeys(code for code in codes if code)), unknown

    pairs = map_distinct(c.frame["participants"], read, ("", ""))
    listed = pd.Series([p[0] for p in pairs], index=c.frame.index, dtype=object)
    unknown = pd.Series([p[1] for p in pairs], index=c.frame.index, dtype=object)
    hints = unknown.map(lambda u: suggest(u, country_choices()) if u else None)
    c.flag(Code.UNKNOWN_COUNTRY, "participants", unknown.ne(""), values=unknown, per_row=hints)
    return listed


def _check_dates(c: Collector, column: str) -> pd.Series:
    dates = pd.Series(map_distinct(c.frame[column], parse_date), index=c.frame.index, dtype=object)
    invalid = dates.map(lambda d: d is Code.INVALID_DATE)
    c.flag(Code.INVALID_DATE, column, invalid)
    return dates.where(~invalid, None)


def read_actions(
    raw: RawWorkbook, *, known_groups: Collection[str], indicators: Sequence[Indicator]
) -> tuple[pd.DataFrame, Report]:
    """Joint actions checked in one pass: the rows free of errors and every problem."""
    c = _start(raw, ACTIONS)
    if isinstance(c, list):
        return _empty(ACTIONS), Report.of(c)
    texts = ("code", "title", "description", "theme", "theme_pt", "theme_en")
    check_texts(c, texts, MAX_TEXT)
    columns = {col: text_values(c.frame[col]) for col in texts}
    _check_unique(
        c,
        pd.DataFrame({"code": columns["code"].map(fold, na_action="ignore")}),
        "code",
        Code.DUPLICATE_ROW,
        expect=Expect.UNIQUE_CODE,
    )
    columns["group"] = _check_group(c, {fold(code): code for code in known_groups})
    for col in ("lead_country", "reviewer_country", "evidence_country"):
        columns[col] = check_country(c, col)
    columns["participants"] = _check_participants(c)
    columns["due_date"] = _check_dates(c, "due_date")
    columns["status"] = _check_vocabulary(c, "status", Code.UNKNOWN_STATUS, "proposed")
    columns["completion"] = _check_vocabulary(c, "completion", Code.UNKNOWN_COMPLETION, "not_started")
    columns["evidence_indicator"] = check_indicator(c, "evidence_indicator", indicators)
    frame, problems = _finish(c, {spec.code: columns[spec.code] for spec in ACTIONS.columns})
    return frame, Report.of(problems)
