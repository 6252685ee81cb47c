"""The one set-up call every page starts with: page config, language, role, menu.

Layer: components. Language comes from ?lang= (Spanish by default) and stays in the URL so a
shared link opens in the same language; the menu passes it on, since navigation drops query
params that are not handed over explicitly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NoReturn

import streamlit as st
from babel import Locale

from components.shell.auth import (
    current_actor,
    just_logged_in,
    log_in_form,
    render_account,
    render_login_failure,
)
from components.shell.data import data_version, get_app_settings
from components.shell.navigation import ORGANIZERS, PAGES, get_page
from data_access.core.actors import ANONYMOUS_ACTOR, Actor
from data_access.core.catalogues import country_name, lac_countries
from data_access.core.errors import EncuentroError
from data_access.core.i18n import fold, normalize_lang, t
from data_access.core.settings import LANGUAGES
from data_access.core.store import STORE_ERRORS, store_failure
from data_access.operations.metrics import RERUNS
from data_access.stats.views import known_country

LANG_KEY = "setup_lang"
MINE_KEY = "setup_mine"  # the reader's own country as chosen in this tab ("" for none)
MINE_CHOICE_KEY = "setup_mine_choice"
MINE_PARAM = "mine"
# An emoji, drawn by the browser itself: a :material/...: page icon makes every phone fetch the
# favicon from fonts.gstatic.com, and nothing of a meeting should reach the internet.
TAB_ICON = "📊"
LAST_VIEW_KEY = "setup_last_view_{}"  # a page's last query parameters, so the menu returns to them
PHONE_CSS = Path(__file__).with_name("phone.css").read_text(encoding="utf-8")
_menu_behaviour = st.components.v2.component(
    "encuentro_menu", js=Path(__file__).with_name("menu.js").read_text(encoding="utf-8")
)


@dataclass(frozen=True)
class PageContext:
    lang: str
    actor: Actor = ANONYMOUS_ACTOR
    version: int = 0  # the data version when this run began
    mine: str | None = None  # the reader's own country, highlighted in every chart, caption and table
    page: str = ""  # the page's key, for /metrics
    started: float = field(default_factory=time.perf_counter)  # when this run began

    def finish(self) -> None:
        """Count this run and its duration for /metrics: the last line of every page."""
        RERUNS.labels(self.page).observe(time.perf_counter() - self.started)

    def stop(self) -> NoReturn:
        """End the run here on purpose (nothing more to draw), counted like a finished one."""
        self.finish()
        st.stop()

    @property
    def role(self) -> str:
        return self.actor.role


def language_name(code: str) -> str:
    """A language's own name ("Español", "Português", "English") from CLDR."""
    return Locale(code).get_display_name(code).capitalize()


def _current_lang() -> str:
    default = get_app_settings().default_lang
    return normalize_lang(st.query_params.get("lang", default))


def _on_language_change() -> None:
    st.query_params["lang"] = st.session_state[LANG_KEY]


def render_language_switch(lang: str) -> None:
    """A selector that rewrites ?lang= so the choice survives reloads and shared links."""
    st.session_state[LANG_KEY] = lang
    st.selectbox(
        t("ui.language", lang),
        LANGUAGES,
        format_func=language_name,
        key=LANG_KEY,
        on_change=_on_language_change,
    )


def current_mine(actor: Actor) -> str | None:
    """The reader's own country: ?mine= when the URL names one (blank: none), else this tab's last
    choice, else a coordinator's country. Written back into the URL, so a reload or a copied
    link keeps it."""
    wanted = st.query_params.get(MINE_PARAM)
    if wanted is not None:
        st.session_state[MINE_KEY] = known_country(wanted) or ""
    mine = st.session_state.get(MINE_KEY, actor.country_iso3 or "") or None
    if mine and wanted != mine:
        st.query_params[MINE_PARAM] = mine
    return mine


def _on_mine_change() -> None:
    st.query_params[MINE_PARAM] = st.session_state[MINE_CHOICE_KEY]


@cache
def mine_choices(lang: str) -> tuple[str, ...]:
    """ "" (none) and every country's code, in LANG's alphabetical order: sorted once per language."""
    return ("", *sorted((c.iso3 for c in lac_countries()), key=lambda code: fold(country_name(code, lang))))


def render_mine_choice(mine: str | None, lang: str) -> None:
    """A selector for the country to highlight, countries in LANG's alphabetical order."""
    st.session_state[MINE_CHOICE_KEY] = mine or ""
    st.selectbox(
        t("ui.my_country", lang),
        mine_choices(lang),
        format_func=lambda code: country_name(code, lang) if code else t("ui.my_country_none", lang),
        key=MINE_CHOICE_KEY,
        on_change=_on_mine_change,
        help=t("ui.my_country_help", lang),
    )


def render_menu(ctx: PageContext) -> None:
    """Links to the pages this role may open, carrying the language and the own country along."""
    st.markdown(f"**{t('ui.app_name', ctx.lang)}**")
    carried = {"lang": ctx.lang} | ({MINE_PARAM: ctx.mine} if ctx.mine else {})
    for page in PAGES:
        if page.visible_to(ctx.role):
            remembered = st.session_state.get(LAST_VIEW_KEY.format(page.key), {})
            st.page_link(
                page.file,
                label=t(f"nav.{page.key}", ctx.lang),
                icon=page.icon,
                query_params={**remembered, **carried},  # back to the view left, in this language
            )


def render_menu_behaviour(lang: str) -> None:
    """On phones, close the side menu after a choice or a login, and label the button that opens it."""
    data = {"label": t("nav.menu", lang), "close": just_logged_in()}
    _menu_behaviour(key="setup_menu_behaviour", data=data, height=0)


def setup_page(page_key: str) -> PageContext:
    """Configure the page and draw the shared chrome; returns what the page needs to know."""
    started = time.perf_counter()
    page = get_page(page_key)
    lang = _current_lang()
    st.set_page_config(
        page_title=f"{t(f'nav.{page.key}', lang)} · {t('ui.app_name', lang)}",
        page_icon=TAB_ICON,
        layout="wide",
    )
    try:
        actor = current_actor()
        mine = current_mine(actor)
        ctx = PageContext(
            lang=lang, actor=actor, version=data_version(), mine=mine, page=page.key, started=started
        )
    except (EncuentroError, *STORE_ERRORS) as err:  # the store itself: say what is wrong, once
        failure = (
            err if isinstance(err, EncuentroError) else store_failure(err, get_app_settings().database_url)
        )
        st.error(failure.message(lang), icon=":material/database:")
        st.stop()
    st.html(PHONE_CSS)  # a static stylesheet shipped with the app, no user data
    with st.sidebar:
        render_menu_behaviour(lang)
        render_menu(ctx)
        st.divider()
        render_account(ctx.actor, lang, page)
        render_language_switch(lang)
        render_mine_choice(ctx.mine, lang)
    if ctx.role == "anonymous":
        render_login_failure(lang)
    if not page.visible_to(ctx.role):
        only_organizers = page.roles == ORGANIZERS
        key = "auth.page_needs_organizer" if only_organizers else "auth.page_needs_login"
        key = key if ctx.role == "anonymous" else "auth.page_not_for_role"
        st.warning(t(key, lang))
        if ctx.role == "anonymous":  # on a phone the sidebar is out of sight: the log-in is here too
            with st.container(border=True):
                log_in_form(lang, page, where="page")
        ctx.stop()
    return ctx
