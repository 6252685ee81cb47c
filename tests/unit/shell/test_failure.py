"""An unexpected page error: the visitor gets a translated message with an id, the log the
traceback under the same id (serve.py hands this handler to st.App).

Layer: tests (unit).
"""

from __future__ import annotations

import logging
import re

from components.shell.failure import on_script_error


def test_an_unexpected_error_is_logged_with_the_id_it_shows(caplog, settings, monkeypatch) -> None:
    monkeypatch.setenv("ENCUENTRO_DATA_DIR", str(settings.data_dir))
    try:
        raise KeyError("XXX")
    except KeyError as error:
        with caplog.at_level(logging.ERROR, logger="encuentro"):
            assert on_script_error(error) is True  # Streamlit's own traceback box is not shown
    (record,) = [r for r in caplog.records if r.name == "encuentro"]
    assert re.fullmatch(r"unexpected error [0-9a-f]{8}: KeyError", record.getMessage())
    assert record.exc_info is not None and record.exc_info[0] is KeyError
