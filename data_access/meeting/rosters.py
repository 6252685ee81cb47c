"""Read-side queries over working groups and their rosters, and pure transforms of the roster frame.

Layer: data_access. Contact details (email, phone) leave the store only for a logged-in actor:
for an anonymous one the columns are not even selected, so no page can leak them.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from sqlalchemy import Engine, Select, select
from sqlmodel import col

from data_access.core.actors import ANONYMOUS, Actor
from data_access.core.models import Member, Membership, Submission, User, WorkingGroup

ROLES = ("chair", "co-chair", "rapporteur", "member")
CONTACT_COLUMNS = ("email", "phone")
ROSTER_COLUMNS = ("group_code", "role", "member_id", "name", "country_iso3", "institution", "position")
GROUP_COLUMNS = (
    "code", "name_es", "name_pt", "name_en", "theme", "theme_pt", "theme_en",
    "description_es", "description_pt", "description_en",
)  # fmt: skip


def theme_in(row: Mapping[str, object], lang: str) -> str:
    """A group's or an action's theme in LANG: Spanish is the workbook's "tema", the other
    languages sit beside it; a theme not given in LANG falls back to the Spanish one."""
    own = row.get(f"theme_{lang}") if lang != "es" else None
    return str(own or row.get("theme") or "")


def can_see_contacts(actor: Actor) -> bool:
    """Emails and phones are for logged-in users only."""
    return actor.role != ANONYMOUS


def _frame(engine: Engine, query: Select, columns: tuple[str, ...]) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))


def list_groups(engine: Engine) -> pd.DataFrame:
    """The working groups with their names, theme and descriptions in es/pt/en, by code."""
    query = select(*(getattr(WorkingGroup, c) for c in GROUP_COLUMNS)).order_by(col(WorkingGroup.id))
    return _frame(engine, query, GROUP_COLUMNS)


def list_roster(engine: Engine, *, actor: Actor) -> pd.DataFrame:
    """One row per membership, ordered by group, role and name; email and phone only when logged in."""
    columns = (*ROSTER_COLUMNS, "fictional", *(CONTACT_COLUMNS if can_see_contacts(actor) else ()))
    fields = {
        "group_code": col(WorkingGroup.code),
        "role": col(Membership.role),
        "member_id": col(Member.id),
        **{c: getattr(Member, c) for c in columns if c not in ("group_code", "role", "member_id")},
    }
    query = (
        select(*(fields[c] for c in columns))
        .join(Membership, col(Membership.member_id) == col(Member.id))
        .join(WorkingGroup, col(WorkingGroup.id) == col(Membership.group_id))
        .order_by(col(WorkingGroup.id), col(Member.name))
    )
    frame = _frame(engine, query, columns)
    rank = {role: i for i, role in enumerate(ROLES)}
    frame["_rank"] = frame["role"].map(lambda r: rank.get(r, len(ROLES)))
    group_order = {code: i for i, code in enumerate(dict.fromkeys(frame["group_code"]))}
    frame["_group"] = frame["group_code"].map(group_order)
    frame = frame.sort_values(["_group", "_rank", "name"], kind="stable").drop(columns=["_rank", "_group"])
    frame["fictional"] = frame["fictional"].astype(bool)
    return frame.reset_index(drop=True)


def list_meeting_countries(engine: Engine) -> list[str]:
    """Countries taking part: with published results, a coordinator account, or a group member."""
    with engine.connect() as conn:
        published = conn.execute(
            select(col(Submission.country_iso3)).where(col(Submission.status) == "active")
        )
        codes: set[str | None] = set(published.scalars())
        coordinators = conn.execute(select(col(User.country_iso3)).where(col(User.country_iso3).is_not(None)))
        codes |= set(coordinators.scalars())
        codes |= set(
            conn.execute(
                select(col(Member.country_iso3)).where(col(Member.country_iso3).is_not(None))
            ).scalars()
        )
    return sorted(code for code in codes if code)  # the queries already leave out None


def countries_without_group(roster: pd.DataFrame, meeting_countries: list[str]) -> list[str]:
    """The meeting's countries with nobody in any working group, sorted."""
    seated = set(roster["country_iso3"].dropna())
    return sorted(set(meeting_countries) - seated)


def members_per_country(roster: pd.DataFrame) -> pd.DataFrame:
    """Per country: how many people sit in groups and in how many groups, most people first."""
    people = roster.dropna(subset=["country_iso3"])
    out = people.groupby("country_iso3").agg(
        members=("member_id", "nunique"), groups=("group_code", "nunique")
    )
    out = out.reset_index().sort_values(["members", "country_iso3"], ascending=[False, True])
    return out.reset_index(drop=True)


def filter_roster(
    roster: pd.DataFrame,
    *,
    group: str | None = None,
    countries: list[str] | None = None,
    institution: str | None = None,
) -> pd.DataFrame:
    """The memberships matching every given filter (a group code, countries, one institution)."""
    mask = pd.Series(True, index=roster.index)
    if group:
        mask &= roster["group_code"] == group
    if countries:
        mask &= roster["country_iso3"].isin(countries)
    if institution:
        mask &= roster["institution"] == institution
    return roster.loc[mask].reset_index(drop=True)


def is_fictional(roster: pd.DataFrame) -> bool:
    """True when any person on the roster is marked fictional (the sample meeting)."""
    return bool(not roster.empty and roster["fictional"].any())
