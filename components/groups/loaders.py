"""Working-group loaders and the filters of /working_groups, bound to ?group=&country=&institution=.

Layer: components. Loaders are keyed on the data version and on whether the actor may see
contacts; the roster itself comes without email and phone for anonymous visitors (data_access).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.shell.data import get_engine
from data_access.core.actors import Actor
from data_access.core.catalogues import country_name
from data_access.core.i18n import t
from data_access.meeting import rosters

WG_GROUP_KEY = "working_groups_group"
WG_COUNTRY_KEY = "working_groups_country"
WG_INSTITUTION_KEY = "working_groups_institution"
# query parameter for each filter widget: the URL is the source of truth, so links share the view
PARAMS = {WG_GROUP_KEY: "group", WG_COUNTRY_KEY: "country", WG_INSTITUTION_KEY: "institution"}


@dataclass(frozen=True)
class RosterFilters:
    group: str | None = None
    countries: tuple[str, ...] = ()
    institution: str | None = None

    @property
    def narrowing(self) -> bool:
        """True when countries or an institution are chosen (a group alone shows whole cards)."""
        return bool(self.countries or self.institution)


@st.cache_data(show_spinner=False)
def load_groups(version: int) -> pd.DataFrame:
    """The working groups; VERSION only keys the cache."""
    return rosters.list_groups(get_engine())


@st.cache_data(show_spinner=False)
def load_roster(version: int, contacts: bool, _actor: Actor) -> pd.DataFrame:
    """The roster as _ACTOR may see it; CONTACTS (what the actor's role allows) keys the cache."""
    return rosters.list_roster(get_engine(), actor=_actor)


@st.cache_data(show_spinner=False)
def load_meeting_countries(version: int) -> list[str]:
    """Countries taking part in the meeting; VERSION only keys the cache."""
    return rosters.list_meeting_countries(get_engine())


def group_name(groups: pd.DataFrame, code: str, lang: str) -> str:
    """A group's name in LANG, its code when the name is missing."""
    row = groups.loc[groups["code"] == code]
    return str(row.iloc[0][f"name_{lang}"] or code) if not row.empty else code


def _on_change(key: str) -> None:
    value = st.session_state[key]
    if isinstance(value, list):
        value = ",".join(value)
    if value:
        st.query_params[PARAMS[key]] = value
    else:
        st.query_params.pop(PARAMS[key], None)


def _from_url(key: str, options: list[str]) -> str | list[str] | None:
    """The widget's value as the URL gives it, dropping what is not an option."""
    raw = st.query_params.get(PARAMS[key], "")
    if key == WG_COUNTRY_KEY:
        return [code for code in raw.upper().split(",") if code in options]
    return raw if raw in options else None


def render_filters(groups: pd.DataFrame, roster: pd.DataFrame, lang: str) -> RosterFilters:
    """Group, countries and institution; each choice is written to the URL at once."""
    codes = list(groups["code"])
    countries = sorted(set(roster["country_iso3"].dropna()), key=lambda c: country_name(c, lang))
    institutions = sorted({i for i in roster["institution"] if i})
    for key, options in (
        (WG_GROUP_KEY, codes),
        (WG_COUNTRY_KEY, countries),
        (WG_INSTITUTION_KEY, institutions),
    ):
        st.session_state[key] = _from_url(key, options)
    group_col, country_col, institution_col = st.columns(3)
    with group_col:
        group = st.selectbox(
            t("groups.filter_group", lang), codes, index=None, key=WG_GROUP_KEY,
            format_func=lambda c: group_name(groups, c, lang), placeholder=t("groups.all_groups", lang),
            on_change=_on_change, args=(WG_GROUP_KEY,),
        )  # fmt: skip
    with country_col:
        chosen = st.multiselect(
            t("groups.filter_country", lang), countries, key=WG_COUNTRY_KEY,
            format_func=lambda c: country_name(c, lang), placeholder=t("groups.all_countries", lang),
            on_change=_on_change, args=(WG_COUNTRY_KEY,),
        )  # fmt: skip
    with institution_col:
        institution = st.selectbox(
            t("groups.filter_institution", lang), institutions, index=None, key=WG_INSTITUTION_KEY,
            placeholder=t("groups.all_institutions", lang), on_change=_on_change, args=(WG_INSTITUTION_KEY,),
        )  # fmt: skip
    return RosterFilters(group, tuple(chosen), institution)


def render_summary(groups: pd.DataFrame, roster: pd.DataFrame, lang: str) -> None:
    """One line with how many groups, people and countries the roster holds (metrics stack on phones)."""
    people = roster["member_id"].nunique()
    countries = roster["country_iso3"].dropna().nunique()
    st.markdown(t("groups.summary", lang, groups=len(groups), people=people, countries=countries))
