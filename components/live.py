"""Pages that refresh by themselves when someone publishes: a small fragment polls the data
version every few seconds and reruns the whole page only when it changed.

Layer: components. The poll is one single-row query; the rerun is what costs, and it happens
only after a write.
"""

from __future__ import annotations

import streamlit as st

from components.data import data_version, get_app_settings

SEEN_KEY = "live_seen_version"


def render_live_refresh(seen_version: int) -> None:
    """Rerun the page once the data version moves past SEEN_VERSION (read when the run began,
    so a publish during the run is not missed)."""
    st.session_state[SEEN_KEY] = seen_version
    _watch(get_app_settings().refresh_s)


def _watch(every_s: int) -> None:
    @st.fragment(run_every=every_s)
    def watch() -> None:
        if data_version() != st.session_state.get(SEEN_KEY):
            st.rerun(scope="app")

    watch()
