"""Numbers and dates written for the reader's language, through Babel (CLDR), never by hand; and
names people chose, made safe to show.

Layer: data_access, so pages, exports and reports format alike.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval, format_time
from babel.numbers import format_decimal

# Leading characters that make Excel, LibreOffice or Sheets treat typed text as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Text that spreadsheets read as a plain number ("-3", "+5", "45,3 %") is not a formula.
_NUMBER_TEXT = re.compile(r"[+-]?\d[\d.,]*\s?%?")
BABEL_LOCALES = {"es": "es", "pt": "pt_BR", "en": "en"}


def format_number(value: float | None, lang: str, decimals: int = 1) -> str:
    """741.22 -> "741,2" in es/pt, "741.2" in en; None -> an en dash."""
    if value is None or value != value:  # NaN
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=BABEL_LOCALES.get(lang, "es"))


def format_table_number(value: float | None, lang: str) -> str:
    """A table cell's figure as LANG writes it, with up to two decimals ("741,22", "23", "-0,5");
    None or NaN -> an en dash."""
    if value is None or value != value:
        return "–"
    return format_decimal(value, format="#,##0.##", locale=BABEL_LOCALES.get(lang, "es"))


def format_when(moment: datetime | None, lang: str, zone: str = "UTC") -> str:
    """A moment as LANG writes it on the meeting's clock, ZONE (the store keeps UTC, naive or not):
    the month in words, so 5 December never reads as 12 May ("5 dic 2026, 12:14", "Dec 5, 2026,
    12:14 PM"), glued the way CLDR glues a date and a time in that language."""
    if moment is None or moment != moment:  # None or NaT
        return "–"
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(ZoneInfo(zone))
    locale = Locale.parse(BABEL_LOCALES.get(lang, "es"))
    day, clock = format_date(local, "medium", locale=locale), format_time(local, "short", locale=locale)
    return str(locale.datetime_formats["medium"]).replace("{1}", day).replace("{0}", clock)


def format_day(day: date | None, lang: str) -> str:
    """A date as LANG writes it ("5 dic 2026", "5 de dez. de 2026", "Dec 5, 2026")."""
    return format_date(day, "medium", locale=BABEL_LOCALES.get(lang, "es")) if day else "–"


def format_dates(start: date | None, end: date | None, lang: str) -> str:
    """A meeting's dates as CLDR writes an interval ("26–27 nov 2026"); empty when unknown."""
    locale = BABEL_LOCALES.get(lang, "es")
    if start and end:
        return format_interval(start, end, "yMMMd", locale=locale)
    return format_date(start or end, "medium", locale=locale) if (start or end) else ""


NAME_LIMIT = 120  # characters of a file name shown (the whole name is kept with the file)


def visible_text(value: object, limit: int = NAME_LIMIT) -> str:
    """Text someone chose (a file name) made safe to show: control, bidirectional and other
    invisible format characters appear as ⟨U+202E⟩ instead of reversing or hiding what follows,
    and a long value is cut with an ellipsis."""
    text = "" if value is None else str(value)
    shown = "".join(
        f"⟨U+{ord(c):04X}⟩" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text
    )
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def neutralize_csv_text(value: object) -> object:
    """Prefix a quote to text a spreadsheet would run as a formula (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER_TEXT.fullmatch(value):
        return "'" + value
    return value
