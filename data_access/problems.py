"""Problems found in uploaded files, as data: stable codes, locations, messages in es/pt/en.

Layer: data_access. Readers never raise for bad content; they collect Problems into a Report.
File-level failures (not a workbook, encrypted, too large) raise WorkbookError, which the
reader turns into a one-problem Report at its boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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
    # sheets and headers
    MISSING_SHEET = "missing-sheet"
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


WARNINGS = frozenset(
    {Code.MACROS_IGNORED, Code.UNKNOWN_COLUMN, Code.PERCENT_AS_FRACTION}
)


class WorkbookError(Exception):
    """A file that cannot be read at all; params fill the problem's message."""

    def __init__(self, code: Code, **params: object) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Problem:
    code: Code
    sheet: str | None = None
    row: int | None = None  # as Excel shows it (1-based)
    column: str | None = None  # the header as found in the file, or the column code
    value: str | None = None  # the value found, as text
    params: dict[str, object] = field(
        default_factory=dict
    )  # fills "expected" and the message

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.code in WARNINGS else Severity.ERROR
