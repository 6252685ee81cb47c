"""The engine in one cache_resource, and cached loaders keyed on the data version.

Layer: components. Every write bumps the data version, so a loader's cache key changes and all
sessions (and all app processes) see a publish on their next rerun.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pandas as pd
import streamlit as st

from data_access.core.accounts import BOOTSTRAP_FILE, bootstrap_organizer
from data_access.core.catalogues import seed_reference
from data_access.core.formatting import format_when
from data_access.core.i18n import t
from data_access.core.settings import Settings, get_settings
from data_access.core.store import Engine, engine_for, migrate, session_scope
from data_access.meeting.live import LiveState, shared_live_cache
from data_access.meeting.meeting_settings import MeetingInfo, get_meeting_settings, meeting_zone
from data_access.stats import queries

# The app's frames are small (a cut of a few hundred rows): pandas' Python string storage filters
# and copies them faster than the Arrow storage pandas 3 defaults to (about a tenth of a new
# chart's CPU). Values and dtypes ("str") are the same either way.
pd.set_option("mode.string_storage", "python")


@st.cache_resource
def get_app_settings() -> Settings:
    """Settings read once per process (they come from the environment at start)."""
    return get_settings()


@st.cache_resource
def get_engine() -> Engine:
    """The store, migrated to the current schema and with the reference catalogues in place."""
    settings = get_app_settings()
    engine = engine_for(settings)
    migrate(engine)
    with session_scope(engine) as session:
        seed_reference(session=session)
    created = bootstrap_organizer(engine, settings.data_dir)
    if created:  # started without `manage.py init`: the console is the one place to say it
        print(
            t(
                "cli.first_organizer",
                settings.default_lang,
                name=created[0],
                password=created[1],
                path=settings.data_dir / BOOTSTRAP_FILE,
            ),
            flush=True,
        )
    return engine


def data_version() -> int:
    """Read on every rerun from the process's shared live state (at most a second old; a write
    made in this process shows at once)."""
    return live_state().data_version


def live_state() -> LiveState:
    """The data version and the presenter's slide, as the live route answers them."""
    return shared_live_cache(get_engine()).get()


@st.cache_data(show_spinner=False)
def load_published(version: int) -> pd.DataFrame:
    """Who has published which version; VERSION only keys the cache."""
    return queries.list_published(get_engine())


@st.cache_data(show_spinner=False)
def load_observations(version: int, **filters: object) -> pd.DataFrame:
    """Published observations matching FILTERS; VERSION only keys the cache."""
    return queries.list_observations(get_engine(), **filters)


@st.cache_data(show_spinner=False)
def load_observation_count(version: int) -> int:
    """How many figures are published; VERSION only keys the cache."""
    return queries.count_observations(get_engine())


@st.cache_data(show_spinner=False)
def load_recent_activity(version: int, limit: int = 8) -> list[dict[str, object]]:
    """The latest writes; VERSION only keys the cache."""
    return queries.list_recent_activity(get_engine(), limit)


@st.cache_data(show_spinner=False)
def load_meeting_info(version: int) -> MeetingInfo:
    """The meeting's name, city, dates and public address; VERSION only keys the cache."""
    return get_meeting_settings(get_engine())


def meeting_zone_name() -> str:
    """The zone the meeting's dates and times are shown in (its /admin choice, its city's, or UTC)."""
    return meeting_zone(load_meeting_info(data_version()))


def when_texts(moments: Iterable[datetime | None], lang: str) -> list[str]:
    """Stored (UTC) moments as LANG writes them, on the meeting's clock."""
    zone = meeting_zone_name()
    return [format_when(moment, lang, zone) for moment in moments]


@st.cache_resource(show_spinner=False, max_entries=8)
def load_cuts(version: int) -> pd.DataFrame:
    """The distinct published (indicator, year, grade, subject, group), shared by every session
    (read it, never change it: filters run it on every rerun); VERSION only keys the cache."""
    return queries.list_cuts(get_engine())


@st.cache_resource(show_spinner=False, max_entries=8)
def load_indicators(version: int) -> pd.DataFrame:
    """The indicator catalogue indexed by code, shared by every session (read it, never change
    it); VERSION only keys the cache."""
    return queries.list_indicator_frame(get_engine()).set_index("code")


@st.cache_data(show_spinner=False)
def load_indicator_frame(version: int) -> pd.DataFrame:
    """The stored indicator catalogue; VERSION only keys the cache."""
    return queries.list_indicator_frame(get_engine())
