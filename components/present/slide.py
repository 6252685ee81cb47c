"""/present: the slide on the projector, kept live, and the same slide on delegates' phones.

Layer: components. A fragment ticks every few seconds: it reads which slide the presenter shows
(one small row), advances it when its time is up (presenter only), and redraws. A slide's chart
is cached on (data version, slide, language), so a hundred followers ticking cost one build per
publish, and a publish shows up on the next tick with a banner naming it.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from components.actions.table import load_actions, render_board
from components.charts.panel import escape_markdown, render_about, render_spec
from components.groups.cards import members_table
from components.groups.loaders import load_groups, load_roster
from components.report.meeting_report import slide_bundle
from components.shell.data import (
    data_version,
    get_engine,
    load_recent_activity,
)
from components.shell.share import load_qr, public_base
from data_access.core.actors import ANONYMOUS_ACTOR, Actor
from data_access.core.catalogues import country_name
from data_access.core.i18n import t
from data_access.meeting.deck import PresenterState, Slide, get_deck, set_presenter_state
from data_access.reports.qr import view_url

ONE_INDICATOR = ("ranking", "trend", "gaps", "map", "scatter")  # charts of one indicator, defined below
TICK_S = 2
BANNER_S = 20
SEEN_VERSION_KEY = "present_seen_version"
SEEN_AT_KEY = "present_seen_at"
BANNER_KEY = "present_banner"  # (text, monotonic time it expires)
PRESENTER_CSS = Path(__file__).with_name("presenter.css")


@st.cache_data(show_spinner=False)
def load_deck(version: int) -> tuple[Slide, ...]:
    """The deck; VERSION only keys the cache (saving a deck bumps it)."""
    return get_deck(get_engine())


@st.cache_resource(show_spinner=False, max_entries=256)
def load_slide(
    version: int, kind: str, params_json: str, lang: str, projector: bool, mine: str | None = None
) -> tuple[str, str, dict | None, tuple]:
    """(title, caption, Vega-Lite spec, notes) of a chart slide, drawn once per (data version,
    slide, language, screen, follower's own country) per process and shared by every follower
    with that country; VERSION keys the cache."""
    slide = Slide(kind, json.loads(params_json))
    found = slide_bundle(slide, lang, mine)
    if found is None:
        return "", "", None, ()
    title, bundle = found
    title = bundle.title or title  # "Ranking: Mean score · Grade 6 · Reading · 2019"
    spec = None if bundle.empty else bundle.prepared().page_spec
    if spec is not None and projector:
        spec = for_projector(spec)
    return title, bundle.caption, spec, bundle.notes


ROOM_FONT = 18  # no text on the projector smaller than this, in px at 1920x1080
ROOM_SCALE = 1.6  # marks' own text (value labels, the mean's label) grows by this much


def for_projector(spec: dict) -> dict:
    """The same chart with type sized for a room: every text at least ROOM_FONT px (axes,
    legends, titles and the marks' own labels, with their offsets and the room kept for them)
    and a taller plot."""
    config = {**spec.get("config", {})}
    config["axis"] = {**config.get("axis", {}), "labelFontSize": ROOM_FONT, "titleFontSize": ROOM_FONT + 2}
    config["legend"] = {**config.get("legend", {}), "labelFontSize": ROOM_FONT, "titleFontSize": ROOM_FONT}
    config["title"] = {**config.get("title", {}), "fontSize": ROOM_FONT + 4}
    height = spec.get("height")
    taller = max(int(height * 1.3), 560) if isinstance(height, int) else height
    return {**_room_sized(spec), "config": config, "height": taller}


def _room_sized(node: object) -> object:
    """NODE with every text mark's font (and its offsets) and every scale's padding grown."""
    if isinstance(node, list):
        return [_room_sized(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _room_sized(value) for key, value in node.items() if key != "datasets"}
    if "datasets" in node:
        out["datasets"] = node["datasets"]  # data, never resized
    mark = out.get("mark")
    if isinstance(mark, dict) and mark.get("type") == "text":
        grown = {
            k: round(v * ROOM_SCALE)
            for k, v in mark.items()
            if k in ("dx", "dy") and isinstance(v, int | float)
        }
        size = max(ROOM_FONT, round(mark.get("fontSize", 11) * ROOM_SCALE))
        out["mark"] = {**mark, **grown, "fontSize": size}
    scale = out.get("scale")
    if isinstance(scale, dict) and isinstance(scale.get("padding"), int | float):
        out["scale"] = {**scale, "padding": round(scale["padding"] * ROOM_SCALE)}
    return out


def _banner_lines(since: datetime, lang: str) -> list[str]:
    events = load_recent_activity(data_version(), 20)
    lines = []
    for event in events:
        at = event["at"] if event["at"].tzinfo else event["at"].replace(tzinfo=UTC)
        if event["action"] == "publish" and at > since:
            detail = event["detail"]
            country = country_name(detail["country"], lang)
            lines.append(t("present.banner_publish", lang, country=country, version=detail["version"]))
    return lines


def render_banner(lang: str) -> float | None:
    """'New: Peru published version 3' for a while after a publish reaches this screen; returns
    the seconds it still shows (None without a banner)."""
    version, now = data_version(), datetime.now(UTC)
    seen = st.session_state.get(SEEN_VERSION_KEY)
    if seen is not None and version != seen:
        lines = _banner_lines(st.session_state[SEEN_AT_KEY], lang)
        if lines:
            st.session_state[BANNER_KEY] = (" · ".join(lines), time.monotonic() + BANNER_S)
    if seen is None or version != seen:
        st.session_state[SEEN_VERSION_KEY], st.session_state[SEEN_AT_KEY] = version, now
    banner = st.session_state.get(BANNER_KEY)
    if banner and banner[1] > time.monotonic():
        st.success(banner[0], icon=":material/fiber_new:")
        return banner[1] - time.monotonic()
    return None


def render_groups_slide(lang: str, projector: bool = False) -> None:
    """The working groups and their members, never with contact details (a projector is public).
    On the projector the members are lines of plain text, sized for the room (a table's cells
    are drawn on a canvas that no stylesheet reaches)."""
    version = data_version()
    groups, roster = load_groups(version), load_roster(version, False, ANONYMOUS_ACTOR)
    st.subheader(t("nav.working_groups", lang))
    columns = st.columns(max(1, min(len(groups), 3)))
    for index, (_, group) in enumerate(groups.iterrows()):
        with columns[index % len(columns)]:
            st.markdown(f"**{t('present.group_heading', lang, n=index + 1)}**")
            st.text(group[f"name_{lang}"] or group["code"])
            members = roster[roster["group_code"] == group["code"]]
            shown = members_table(members.drop(columns=["email", "phone"], errors="ignore"), lang).iloc[:, :3]
            if projector:
                st.text(
                    "\n".join(" · ".join(str(v) for v in row if v) for row in shown.itertuples(index=False))
                )
            else:
                st.dataframe(shown, hide_index=True, width="stretch")


def render_slide(slide: Slide, lang: str, key: str, projector: bool = False, mine: str | None = None) -> None:
    """One slide: a chart with its caption, the working groups, or the actions board; a
    follower's own country (MINE) highlighted (never on the projector, which a room shares)."""
    if slide.kind == "groups":
        render_groups_slide(lang, projector)
        return
    if slide.kind == "actions":
        st.subheader(t("nav.actions", lang))
        render_board(load_actions(data_version()), lang)
        return
    params = json.dumps(slide.params, sort_keys=True)
    title, caption, spec, notes = load_slide(
        data_version(), slide.kind, params, lang, projector, None if projector else mine
    )
    if spec is None:
        st.info(caption or t("compare.no_results", lang))
        return
    st.subheader(escape_markdown(title))
    st.markdown(f"**{escape_markdown(caption)}**")
    render_spec(spec, key, caption)
    for note in notes:
        st.caption(escape_markdown(note))
    if not projector and slide.params.get("chart") in ONE_INDICATOR and slide.params.get("indicator"):
        render_about(str(slide.params["indicator"]), lang)  # on a phone, what the slide measures


def render_qr(slide: Slide, lang: str) -> str:
    """The QR code of this slide's view at the public address; returns the address."""
    url = view_url(public_base(), slide.kind, slide.params, lang)
    st.image(load_qr(url), width=220)
    st.caption(t("present.qr_caption", lang))
    return url


def elapsed_s(state: PresenterState) -> float:
    """Seconds since the presenter last moved (infinite before the first move)."""
    try:
        return (datetime.now(UTC) - datetime.fromisoformat(state.changed_at)).total_seconds()
    except ValueError:
        return float("inf")


def advance_if_due(state: PresenterState, deck: tuple[Slide, ...], actor: Actor) -> PresenterState:
    """Move to the next slide once the current one has had its seconds (presenter only)."""
    if not state.changed_at:  # the first presenter screen starts on slide 1, not advancing by itself
        return set_presenter_state(engine=get_engine(), actor=actor, slide=0, paused=True, expected="")
    index = state.slide % len(deck)
    if state.paused or elapsed_s(state) < deck[index].seconds:
        return state
    expected = state.changed_at
    return set_presenter_state(
        engine=get_engine(), actor=actor, slide=(index + 1) % len(deck), paused=False, expected=expected
    )
