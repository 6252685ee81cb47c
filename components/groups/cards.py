"""Group cards (leadership, members, contact downloads) and the by-country view of /working_groups.

Layer: components. Names, institutions and descriptions are typed by people: they are shown as
table cells or plain text, and headings escape markdown.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from components.groups.loaders import RosterFilters
from data_access.core.actors import Actor
from data_access.core.catalogues import country_name
from data_access.core.i18n import fold, t
from data_access.meeting import rosters
from data_access.meeting.contacts import contacts_file_name, to_contacts_csv, to_contacts_vcard

LEADER_ROLES = ("chair", "co-chair", "rapporteur")
# contacts right after the country: on a phone the first columns are the ones in view
TABLE_COLUMNS = ("name", "role", "country_iso3", "email", "phone", "institution", "position")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain_markdown(text: object) -> str:
    """TEXT with every markdown and directive character escaped, for headings and captions."""
    return _MARKDOWN.sub(r"\\\1", str(text or ""))


def _country(iso3: object, lang: str) -> str:
    return country_name(str(iso3), lang) if isinstance(iso3, str) and iso3 else "–"


def members_table(members: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The members as shown: translated roles and country names, headers in LANG."""
    shown = members.loc[:, [c for c in TABLE_COLUMNS if c in members.columns]].copy()
    shown["role"] = [t(f"role.{r}", lang) for r in shown["role"]]
    shown["country_iso3"] = [_country(c, lang) for c in shown["country_iso3"]]
    if "email" in shown:  # a mailto: link that shows the address itself
        shown["email"] = [f"mailto:{e.strip()}" if e and e.strip() else None for e in shown["email"]]
    col_key = {"country_iso3": "country"}
    shown.columns = [t(f"groups.col_{col_key.get(c, c)}", lang) for c in shown.columns]
    return shown


def _render_leaders(members: pd.DataFrame, lang: str) -> None:
    lines = []
    for role in LEADER_ROLES:
        people = members.loc[members["role"] == role]
        if not people.empty:
            names = ", ".join(f"{p.name} ({_country(p.country_iso3, lang)})" for p in people.itertuples())
            label = t(f"role.{role}", lang).capitalize()
            lines.append(t("groups.leader_line", lang, role=label, names=names))
    if lines:
        st.text("\n".join(lines))


def _render_downloads(code: str, name: str, members: pd.DataFrame, actor: Actor, lang: str) -> None:
    names = {code: name}
    csv_data = to_contacts_csv(members, actor=actor, lang=lang, group_names=names)
    vcard_data = to_contacts_vcard(members, actor=actor, lang=lang, group_names=names)
    csv_col, vcard_col = st.columns(2)
    csv_col.download_button(
        t("groups.download_csv", lang), csv_data,
        file_name=contacts_file_name(code, "csv"), mime="text/csv", icon=":material/download:",
        key=f"working_groups_csv_{code}", on_click="ignore", width="stretch",
    )  # fmt: skip
    vcard_col.download_button(
        t("groups.download_vcard", lang), vcard_data,
        file_name=contacts_file_name(code, "vcf"), mime="text/vcard", icon=":material/contact_page:",
        key=f"working_groups_vcard_{code}", on_click="ignore", width="stretch",
    )  # fmt: skip


def render_group_card(
    group: pd.Series, members: pd.DataFrame, shown: pd.DataFrame, actor: Actor, lang: str
) -> None:
    """One bordered card: name, theme, description, leadership, members and contact downloads."""
    with st.container(border=True, key=f"working_groups_card_{group['code']}"):
        name = group[f"name_{lang}"] or group["code"]
        st.subheader(plain_markdown(name))
        theme = rosters.theme_in(group, lang)
        if theme and fold(theme) != fold(name):
            st.caption(plain_markdown(theme))
        if group[f"description_{lang}"]:
            st.text(group[f"description_{lang}"])
        _render_leaders(members, lang)
        if len(shown) != len(members):
            st.caption(t("groups.shown", lang, shown=len(shown), total=len(members)))
        email = {t("groups.col_email", lang): st.column_config.LinkColumn(display_text=r"mailto:(.*)")}
        st.dataframe(members_table(shown, lang), hide_index=True, width="stretch", column_config=email)
        if rosters.can_see_contacts(actor):
            _render_downloads(str(group["code"]), str(name), members, actor, lang)


def render_group_cards(
    groups: pd.DataFrame, roster: pd.DataFrame, filters: RosterFilters, actor: Actor, lang: str
) -> None:
    """A card per group the filters leave, members narrowed to the chosen countries and institution."""
    shown = rosters.filter_roster(
        roster, group=filters.group, countries=list(filters.countries), institution=filters.institution
    )
    if shown.empty:
        st.info(t("groups.no_match", lang))
        return
    for _, group in groups.iterrows():
        if filters.group and group["code"] != filters.group:
            continue
        rows = shown.loc[shown["group_code"] == group["code"]]
        if filters.narrowing and rows.empty:
            continue
        members = roster.loc[roster["group_code"] == group["code"]]
        render_group_card(group, members, rows, actor, lang)


def render_by_country(roster: pd.DataFrame, meeting_countries: list[str], lang: str) -> None:
    """Members and groups per country, then the meeting's countries that sit in no group."""
    st.subheader(t("groups.by_country_title", lang))
    counts = rosters.members_per_country(roster)
    counts["name"] = [_country(c, lang) for c in counts["country_iso3"]]
    counts = counts.sort_values(["members", "name"], ascending=[False, True])
    table = pd.DataFrame(
        {
            t("groups.col_country", lang): counts["name"],
            t("groups.col_members", lang): counts["members"],
            t("groups.col_groups", lang): counts["groups"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height="content")
    st.subheader(t("groups.without_group_title", lang))
    missing = rosters.countries_without_group(roster, meeting_countries)
    if not missing:
        st.success(t("groups.without_group_none", lang))
        return
    st.caption(t("groups.without_group_help", lang))
    for iso3 in sorted(missing, key=lambda c: _country(c, lang)):
        st.text(f"• {_country(iso3, lang)}")
