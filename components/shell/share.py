"""Sharing a view: its address at the meeting's public address, as a link to copy and a QR code,
for the share button under a chart and the QR code beside each projector slide.

Layer: components.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import streamlit as st

from components.shell.data import data_version, load_meeting_info
from data_access.core.i18n import t
from data_access.reports.qr import qr_png, view_url


@st.cache_data(show_spinner=False, max_entries=64)
def load_qr(url: str) -> bytes:
    """The QR code of URL, drawn once, not on every tick of the projector."""
    return qr_png(url)


def public_base() -> str:
    """The meeting's public address, or the address this browser used to reach the app."""
    configured = load_meeting_info(data_version()).public_url
    if configured:
        return configured
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "http://localhost:8501"


def render_share(kind: str, params: Mapping[str, str], lang: str, key: str) -> None:
    """A share button: the view's address to copy (st.code has a copy button) and its QR code,
    drawn only while it is open (a filter change then costs nothing more)."""
    with st.popover(t("share.button", lang), icon=":material/share:", key=key, on_change="rerun") as popover:
        if not popover.open:
            return
        url = view_url(public_base(), kind, params, lang)
        st.caption(t("share.help", lang))
        st.code(url, language=None, wrap_lines=True)
        st.image(load_qr(url), width=200, caption=t("share.qr", lang))
