"""Problems found in uploaded files, as data: stable codes, locations, messages in es/pt/en.

Layer: data_access. Readers never raise for bad content; they collect Problems into a Report.
File-level failures raise WorkbookError, which Report.from_error turns into a one-problem Report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd
from babel.numbers import format_decimal

from data_access.core.i18n import load_texts, normalize_lang

DISPLAY_CHARS = 80  # a value found is cut to this length in reports
NUMBER_LOCALES = {"es": "es", "pt": "pt_BR", "en": "en"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    """Stable problem codes; the README lists every one (a test checks it)."""

    # the file as a whole
    EMPTY_FILE = "empty-file"
    NOT_A_WORKBOOK = "not-a-workbook"
    CORRUPT_FILE = "corrupt-file"
    ENCRYPTED_FILE = "encrypted-file"
    FILE_TOO_LARGE = "file-too-large"
    UNPACKED_TOO_LARGE = "unpacked-too-large"
    SHEET_TOO_LARGE = "sheet-too-large"
    TOO_MANY_ROWS = "too-many-rows"
    READER_FAILED = "reader-failed"
    READER_TIMEOUT = "reader-timeout"
    MACROS_IGNORED = "macros-ignored"
    DUPLICATE_CELL = "duplicate-cell"
    # sheets and headers
    MISSING_SHEET = "missing-sheet"
    AMBIGUOUS_SHEET = "ambiguous-sheet"
    HIDDEN_SHEET = "hidden-sheet-ignored"
    MISSING_HEADER = "missing-header"
    MISSING_COLUMN = "missing-column"
    DUPLICATE_COLUMN = "duplicate-column"
    UNKNOWN_COLUMN = "unknown-column"
    EMPTY_SHEET = "empty-sheet"
    # cells
    MISSING_VALUE = "missing-value"
    TYPE_ERROR = "type-error"
    NOT_FINITE = "not-finite"
    OUT_OF_RANGE = "out-of-range"
    UNKNOWN_COUNTRY = "unknown-country"
    WRONG_COUNTRY = "wrong-country"
    UNKNOWN_INDICATOR = "unknown-indicator"
    UNKNOWN_SUBJECT = "unknown-subject"
    UNKNOWN_GROUP = "unknown-group"
    INVALID_YEAR = "invalid-year"
    INVALID_GRADE = "invalid-grade"
    DUPLICATE_ROW = "duplicate-row"
    FORMULA_WITHOUT_VALUE = "formula-without-value"
    TEXT_TOO_LONG = "text-too-long"
    CONTROL_CHARACTERS = "control-characters"
    INCONSISTENT_INTERVAL = "inconsistent-interval"
    PERCENT_AS_FRACTION = "percent-as-fraction"
    # rosters and actions
    UNKNOWN_WORKING_GROUP = "unknown-working-group"
    UNKNOWN_ROLE = "unknown-role"
    INVALID_EMAIL = "invalid-email"
    INVALID_DATE = "invalid-date"
    UNKNOWN_STATUS = "unknown-status"
    UNKNOWN_COMPLETION = "unknown-completion"
    DUPLICATE_MEMBER = "duplicate-member"


WARNINGS = frozenset({Code.MACROS_IGNORED, Code.HIDDEN_SHEET, Code.UNKNOWN_COLUMN, Code.PERCENT_AS_FRACTION})


class Expect(StrEnum):
    """What a cell should hold, when that depends on the column more than on the code."""

    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    COUNT = "count"
    NON_NEGATIVE = "non-negative"
    YEAR = "year"
    COUNTRY = "country"
    COUNTRY_LIST = "country-list"
    INDICATOR = "indicator"
    WORKING_GROUP = "working-group"
    DATE = "date"
    BOOLEAN = "boolean"
    DIRECTION = "direction"
    UNIQUE_CODE = "unique-code"
    UNIQUE_KEY = "unique-key"


class Hint(StrEnum):
    """An extra sentence after a message; params["hint"] names one."""

    DID_YOU_MEAN = "did-you-mean"
    RENAME_HEADER = "rename-header"
    YEAR_AS_DATE = "year-as-date"
    MORE = "more"  # stands for the cells left out of a long report


class WorkbookError(Exception):
    """A file that cannot be read at all; params fill the problem's message."""

    def __init__(self, code: Code, **params: object) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


class _Blank(dict):
    """Format mapping that leaves unknown placeholders empty instead of raising."""

    def __missing__(self, key: str) -> str:
        return ""


def to_display(value: object) -> str | None:
    """A cell value as short, printable text for a report (long or odd text must not bloat it)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    text = str(value)
    if len(text) > DISPLAY_CHARS:
        text = text[: DISPLAY_CHARS - 1] + "…"
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _format_param(value: object, lang: str) -> str:
    if isinstance(value, bool) or value is None:
        return to_display(value) or ""
    if isinstance(value, int | float):
        return format_decimal(value, locale=NUMBER_LOCALES[lang])
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(f"«{to_display(v)}»" for v in value)
    return to_display(value) or ""


def _text(key: str, lang: str, fields: dict[str, str]) -> str:
    return load_texts()[key][lang].format_map(_Blank(fields))


@dataclass(frozen=True)
class Problem:
    code: Code
    sheet: str | None = None
    row: int | None = None  # as Excel shows it (1-based)
    column: str | None = None  # the header as found in the file, or the column code
    value: str | None = None  # the value found, as text
    params: dict[str, object] = field(default_factory=dict)  # fills "expected" and the message

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.code in WARNINGS else Severity.ERROR

    def _fields(self, lang: str) -> dict[str, str]:
        out = {k: _format_param(v, lang) for k, v in self.params.items()}
        out |= {"sheet": self.sheet or "", "column": self.column or "", "value": self.value or ""}
        out["row"] = "" if self.row is None else str(self.row)
        if "column_code" in self.params:
            out["column_label"] = _text(f"column.{self.params['column_code']}", lang, {})
        if "expected_country" in self.params:
            from data_access.core.catalogues import country_name  # deferred: pulls in the models

            out["expected_country_name"] = country_name(str(self.params["expected_country"]), lang)
        return out

    def expected(self, lang: str) -> str:
        """What the cell or file should have held, in LANG, so people know how to fix it."""
        lang = normalize_lang(lang)
        expect = self.params.get("expect")
        key = f"expect.{expect}" if expect else f"expected.{self.code}"
        return _text(key, lang, self._fields(lang))

    def location(self, lang: str) -> str:
        """Where the problem is, as a person finds it in Excel: sheet, row, column."""
        lang = normalize_lang(lang)
        fields = self._fields(lang)
        parts = [
            _text(f"location.{name}", lang, fields)
            for name, present in (("sheet", self.sheet), ("row", self.row), ("column", self.column))
            if present is not None
        ]
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    def message(self, lang: str) -> str:
        """The whole sentence shown in the report, in LANG: where, what was found, what to do."""
        lang = normalize_lang(lang)
        fields = self._fields(lang) | {"expected": self.expected(lang)}
        key = "hint.more" if self.params.get("hint") == Hint.MORE else f"problem.{self.code}"
        text = _text(key, lang, fields)
        hint = self.params.get("hint")
        if hint and hint != Hint.MORE:
            text += " " + _text(f"hint.{hint}", lang, fields)
        where = self.location(lang)
        return f"{where}: {text}" if where else text[:1].upper() + text[1:]


REPORT_COLUMNS = ("severity", "code", "sheet", "row", "column", "value", "expected", "message")


@dataclass(frozen=True)
class Report:
    """Every problem of one upload; errors block publishing, warnings can be accepted."""

    problems: tuple[Problem, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "problems", tuple(self.problems))  # a list passed in stays safe

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> Report:
        """A report with PROBLEMS in reading order: file, then sheet by sheet, row by row."""
        return cls(tuple(problems))

    @classmethod
    def from_error(cls, error: WorkbookError) -> Report:
        """A one-problem report for a file that could not be read at all."""
        params = dict(error.params)
        sheet = params.pop("sheet", None)
        return cls((Problem(error.code, sheet=str(sheet) if sheet else None, params=params),))

    def __add__(self, other: Report) -> Report:
        return Report(self.problems + other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing blocks publishing (warnings may remain)."""
        return not self.errors

    @property
    def error_count(self) -> int:
        """How many cells are in error, including those a long report leaves out."""
        return sum(n for code, n in self.counts().items() if Code(code) not in WARNINGS)

    def counts(self) -> dict[str, int]:
        """Problems by code, including cells left out of a long report."""
        counter: Counter[str] = Counter()
        for p in self.problems:
            more = p.params.get("more") if p.params.get("hint") == Hint.MORE else None
            counter[str(p.code)] += int(more) if isinstance(more, int) else 1
        return dict(counter)

    def to_frame(self, lang: str, *, translate_headers: bool = False) -> pd.DataFrame:
        """The problem table people read and download, in LANG."""
        lang = normalize_lang(lang)
        rows = [
            {
                "severity": _text(f"severity.{p.severity}", lang, {}),
                "code": str(p.code),
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "expected": p.expected(lang),
                "message": p.message(lang),
            }
            for p in self.problems
        ]
        frame = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
        frame["row"] = frame["row"].astype("Int64")
        if translate_headers:
            frame = frame.rename(columns={c: _text(f"report.{c}", lang, {}) for c in REPORT_COLUMNS})
        return frame
