"""A working group's contact list as CSV (formula-safe) or vCard, for logged-in users only.

Layer: data_access. Both take the actor and refuse an anonymous one, whatever frame they are given.
"""

from __future__ import annotations

import re

import pandas as pd

from data_access.core.actors import Actor
from data_access.core.catalogues import country_name
from data_access.core.errors import NotAllowed
from data_access.core.formatting import neutralize_csv_text
from data_access.core.i18n import t
from data_access.meeting.rosters import can_see_contacts

CSV_COLUMNS = ("group", "role", "name", "country", "institution", "position", "email", "phone")
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9_-]+")
_FOLD_AT = 75  # octets per vCard line before folding (RFC 6350, 3.2)


def _require_contacts(actor: Actor) -> None:
    if not can_see_contacts(actor):
        raise NotAllowed()


def contacts_file_name(group_code: str, extension: str) -> str:
    """A file name safe on every system, from a group code typed in a workbook."""
    stem = _UNSAFE_FILE_CHARS.sub("-", group_code).strip("-") or "group"
    return f"{stem}-contacts.{extension}"


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _country(iso3: object, lang: str) -> str:
    return country_name(str(iso3), lang) if _text(iso3) else ""


def to_contacts_csv(
    roster: pd.DataFrame, *, actor: Actor, lang: str, group_names: dict[str, str] | None = None
) -> bytes:
    """The people as UTF-8 CSV with a BOM; text a spreadsheet would run as a formula is quoted.

    GROUP_NAMES maps group codes to the names written (the code where missing)."""
    _require_contacts(actor)
    names = group_names or {}
    rows = [
        {
            "group": names.get(row.get("group_code"), row.get("group_code")),
            "role": t(f"role.{row.get('role')}", lang) if row.get("role") else "",
            "name": row.get("name"),
            "country": _country(row.get("country_iso3"), lang),
            "institution": row.get("institution"),
            "position": row.get("position"),
            "email": row.get("email"),
            "phone": row.get("phone"),
        }
        for row in roster.to_dict("records")
    ]
    out = pd.DataFrame(rows, columns=list(CSV_COLUMNS)).astype(object)
    for column in out.columns:
        out[column] = [neutralize_csv_text(_text(v)) for v in out[column]]
    out.columns = [t(f"groups.csv_{c}", lang) for c in CSV_COLUMNS]
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def escape_vcard(value: object) -> str:
    """A property value with backslash, comma, semicolon and line breaks escaped (RFC 6350, 3.4)."""
    text = _text(value).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> list[str]:
    """Split a content line into chunks of at most 75 octets, never inside a character."""
    chunks, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > _FOLD_AT:
            chunks.append(current)
            current, size = " ", 1  # a continuation line starts with one space
        current += char
        size += width
    return [*chunks, current]


def _vcard(person: dict[str, object], note: str, lang: str) -> list[str]:
    name = escape_vcard(person.get("name"))
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", f"N:{name};;;;"]
    optional = {
        "ORG": person.get("institution"),
        "TITLE": person.get("position"),
        "EMAIL;TYPE=INTERNET": person.get("email"),
        "TEL;TYPE=WORK,VOICE": person.get("phone"),
        "ADR;TYPE=WORK": f";;;;;;{escape_vcard(_country(person.get('country_iso3'), lang))}",
    }
    for prop, value in optional.items():
        if _text(value).strip(" ;"):
            lines.append(f"{prop}:{value if prop.startswith('ADR') else escape_vcard(value)}")
    lines += [f"NOTE:{escape_vcard(note)}", "END:VCARD"]
    return lines


def to_contacts_vcard(
    roster: pd.DataFrame, *, actor: Actor, lang: str, group_names: dict[str, str] | None = None
) -> bytes:
    """One vCard 3.0 per person (a person in two groups once, both roles in the note), UTF-8, CRLF."""
    _require_contacts(actor)
    group_names = group_names or {}
    notes: dict[object, list[str]] = {}
    people: dict[object, dict[str, object]] = {}
    for row in roster.to_dict("records"):
        key = row.get("member_id", row.get("name"))
        people.setdefault(key, row)
        role = t(f"role.{row.get('role')}", lang)
        group = group_names.get(row.get("group_code"), row.get("group_code"))
        notes.setdefault(key, []).append(f"{group}: {role}")
    lines: list[str] = []
    for key, person in people.items():
        for line in _vcard(person, "; ".join(notes[key]), lang):
            lines += _fold(line)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
