"""Pages that refresh by themselves when something changes: a small browser-side watcher polls
the live route (routes/live.py) and asks the server for a run only when the answer moved.

Layer: components. A check that finds nothing new runs no script at all; the watcher sits in a
fragment, so its trigger reruns only that fragment, which then decides what else to redraw.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from components.shell.data import data_version, get_app_settings
from data_access.meeting.live import LIVE_PATH, LiveState

WATCH_JS = Path(__file__).with_name("live_watch.js").read_text(encoding="utf-8")
_watcher = st.components.v2.component("encuentro_live_watch", js=WATCH_JS)


def watch_key(state: LiveState, fields: Sequence[str]) -> str:
    """What the watcher compares, as the browser builds it from the route's JSON."""
    values = state.to_dict()
    return ":".join(str(values[f]).lower() if isinstance(values[f], bool) else str(values[f]) for f in fields)


def render_watcher(
    seen: str,
    fields: Sequence[str],
    key: str,
    every_s: float | None = None,
    rerun_in_s: float | None = None,
    spread_s: float | None = None,
) -> bool:
    """Mount the watcher; True when this run was asked for by it (the watched state moved, or
    RERUN_IN_S seconds passed: something shown then expires). With SPREAD_S, a move is reported
    after a random delay up to that long."""
    every_ms = int(1000 * (every_s or get_app_settings().refresh_s))
    data = {"url": LIVE_PATH, "every_ms": every_ms, "watch": list(fields), "seen": seen}
    if rerun_in_s:
        data["rerun_in_ms"] = int(1000 * rerun_in_s)
    if spread_s:
        data["spread_ms"] = int(1000 * spread_s)
    result = _watcher(key=key, data=data, on_moved_change=ignore_trigger, height=0)
    return result.moved is not None


def ignore_trigger() -> None:
    """Triggers need a callback to be reported; the run itself is what we want."""


def render_live_refresh(seen_version: int, spread: bool = False) -> None:
    """Rerun the whole page once the data version moves past SEEN_VERSION (read when the run
    began, so a publish during the run is not missed). SPREAD: the page shows a view of its own
    that a publish makes new (/compare, /country), so it takes its turn at random within one
    refresh interval instead of with the whole room at once; the overview, the same for everyone
    and built once, answers at the next poll."""

    @st.fragment
    def watch() -> None:
        spread_s = get_app_settings().refresh_s if spread else None
        moved = render_watcher(str(seen_version), ("data_version",), key="live_watch", spread_s=spread_s)
        if moved and data_version() != seen_version:
            st.rerun(scope="app")

    watch()
