"""What a visitor sees when a page fails unexpectedly: a short message in their language with an
error id that is also in the server log, instead of Streamlit's traceback box.

Layer: components. serve.py hands on_script_error to st.App; the traceback stays in the log.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

from components.shell.data import get_app_settings
from data_access.core.i18n import normalize_lang, t
from data_access.operations.metrics import PAGE_ERRORS

LOG = logging.getLogger("encuentro")


def on_script_error(error: Exception) -> bool:
    """Log ERROR under a fresh id and show that id; True tells Streamlit not to show its own box."""
    error_id = secrets.token_hex(4)
    PAGE_ERRORS.inc()
    LOG.error("unexpected error %s: %s", error_id, type(error).__name__, exc_info=error)
    try:
        lang = normalize_lang(st.query_params.get("lang", get_app_settings().default_lang))
        st.error(t("ui.unexpected_error", lang, id=error_id), icon=":material/error:")
    except Exception:  # the message must not fail in turn: Streamlit shows its box then
        LOG.exception("the error message for %s could not be shown", error_id)
        return False
    return True
