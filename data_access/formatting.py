"""Numbers and dates written for the reader's language, through Babel (CLDR), never by hand.

Layer: data_access, so pages, exports and reports format alike.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime, format_interval
from babel.numbers import format_decimal

BABEL_LOCALES = {"es": "es", "pt": "pt_BR", "en": "en"}


def format_number(value: float | None, lang: str, decimals: int = 1) -> str:
    """741.22 -> "741,2" in es/pt, "741.2" in en; None -> an en dash."""
    if value is None or value != value:  # NaN
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=BABEL_LOCALES.get(lang, "es"))


def format_when(moment: datetime | None, lang: str) -> str:
    """A publish time as people read it in LANG (short date and time, UTC)."""
    if moment is None:
        return "–"
    return format_datetime(moment, "short", locale=BABEL_LOCALES.get(lang, "es"))


def format_dates(start: date | None, end: date | None, lang: str) -> str:
    """A meeting's dates as CLDR writes an interval ("26–27 nov 2026"); empty when unknown."""
    locale = BABEL_LOCALES.get(lang, "es")
    if start and end:
        return format_interval(start, end, "yMMMd", locale=locale)
    return format_date(start or end, "medium", locale=locale) if (start or end) else ""
