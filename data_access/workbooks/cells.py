"""Reading single cell values as people type them: numbers in Latin American or English style, dates.

Layer: data_access, pure functions. A value that cannot be read returns a problem Code, not an
exception, so a whole column can be checked in one pass.

Number rule (deterministic, one cell at a time): when both "." and "," appear, the last one is the
decimal separator; one kind repeated ("1.234.567") is grouping; spaces (also no-break and narrow
no-break spaces) group thousands. A lone "," is always decimal ("741,22" = 741.22, "1,234" =
1.234). A lone "." is decimal ("741.22", "0.453") except after a 1-3 digit integer part that does
not start with 0 and before exactly three digits: "1.234" = 1234, as a Spanish or Portuguese
locale writes it. A trailing "%" is dropped ("45 %" = 45). Excel error texts ("#DIV/0!", "#N/A")
and "nan"/"inf" are NOT_FINITE.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from data_access.workbooks.problems import Code

NUMERIC_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "empty"})
_SPACE = "[ \u00a0\u202f\u2009\u2007]"
_SPACED = re.compile(rf"[0-9]{{1,3}}(?:{_SPACE}[0-9]{{3}})+(?:[.,][0-9]+)?")
_EXPONENT = re.compile(r"(.+?)([eE][+-]?[0-9]{1,3})?")
_NOT_FINITE_WORDS = frozenset({"nan", "inf", "infinity", "infinito", "infinite", "∞"})
_DMY = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]00:00(?::00)?)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _grouped(body: str, group: str, decimal: str | None) -> str | None:
    tail = rf"{re.escape(decimal)}[0-9]*" if decimal else ""
    if re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(group)}[0-9]{{3}})+{tail}", body):
        return body.replace(group, "").replace(decimal or group, ".")
    return None


def _canonical(body: str) -> str | None:
    """BODY (digits and separators, no sign) as Python float text, or None when malformed."""
    if _SPACED.fullmatch(body):
        body = re.sub(_SPACE, "", body)
    if not re.fullmatch(r"[0-9.,]*[0-9][0-9.,]*", body):
        return None
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        return _grouped(body, "," if decimal == "." else ".", decimal)
    if dots + commas > 1:
        return _grouped(body, "." if dots else ",", None)
    if dots and re.fullmatch(r"[1-9][0-9]{0,2}\.[0-9]{3}", body):
        return body.replace(".", "")  # Latin American thousands: 1.234 = 1234
    if re.fullmatch(r"[0-9]*(?:[.,][0-9]+)?", body):
        return body.replace(",", ".")
    return None


@lru_cache(maxsize=65536)
def _parse_text(text: str) -> float | Code | None:
    body = text.strip().replace("\u2212", "-")
    if not body:
        return None
    if body.startswith("#"):
        return Code.NOT_FINITE  # Excel error values: #DIV/0!, #N/A, #¡VALOR!, #NOME? ...
    body = body.removesuffix("%").rstrip()
    sign = ""
    if body[:1] in ("+", "-"):
        sign, body = body[0], body[1:].lstrip()
    if body.casefold() in _NOT_FINITE_WORDS:
        return Code.NOT_FINITE
    match = _EXPONENT.fullmatch(body) if body else None  # the pattern takes any text
    mantissa, exponent = match.groups() if match else ("", None)
    canonical = _canonical(mantissa)
    if canonical is None:
        return Code.TYPE_ERROR
    number = float(f"{sign}{canonical}{exponent or ''}")
    return number if math.isfinite(number) else Code.NOT_FINITE


def parse_number(value: object) -> float | Code | None:
    """A cell as a float; None when empty; Code.TYPE_ERROR or Code.NOT_FINITE when unreadable."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Code.TYPE_ERROR
    if isinstance(value, numbers.Real | Decimal):
        number = float(value)
        return number if math.isfinite(number) else Code.NOT_FINITE
    if isinstance(value, str):
        return _parse_text(value)
    return Code.TYPE_ERROR


def parse_integer(value: object) -> int | Code | None:
    """A cell as an int (2019.0 and "2019" included); Code.TYPE_ERROR for 6.5 or text."""
    number = parse_number(value)
    if number is None or isinstance(number, Code):
        return number
    return int(number) if number.is_integer() else Code.TYPE_ERROR


def to_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column as floats (NaN when empty or unreadable) and the failure Code of each cell."""
    if infer_dtype(series, skipna=True) in NUMERIC_KINDS:
        values = series.astype("float64")
        finite = np.isfinite(values.to_numpy())
        empty = np.equal(series.to_numpy(dtype=object), None)  # type: ignore[call-overload]  # elementwise; NaN is not empty
        verdict = np.where(finite | empty, None, Code.NOT_FINITE)  # type: ignore[call-overload]  # None: no code
        codes = pd.Series(verdict, index=series.index)
        return values.where(finite), codes.astype(object)
    parsed = [parse_number(v) for v in series.to_numpy()]
    codes = pd.Series([p if isinstance(p, Code) else None for p in parsed], index=series.index, dtype=object)
    values = pd.Series(
        [np.nan if p is None or isinstance(p, Code) else p for p in parsed],
        index=series.index,
        dtype="float64",
    )
    return values, codes


def parse_date(value: object) -> dt.date | Code | None:
    """A date cell, or text as 2026-03-15 or 15/03/2026 (day first); Code.INVALID_DATE otherwise."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return Code.INVALID_DATE
    text = value.strip()
    if match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return Code.INVALID_DATE
    try:
        return dt.date(year, month, day)
    except ValueError:
        return Code.INVALID_DATE  # 31/02/2026 and the like


def excel_serial(value: dt.date) -> int:
    """The number Excel stores for a date: a year formatted as a date shows as 1905-07-11 = 2019."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return (day - _EXCEL_EPOCH).days
