"""A view as query parameters: the reader's own country travels in the URL but never in a share."""

from __future__ import annotations

import pandas as pd

from components.charts.panel import MINE_MARK, marked
from data_access.stats.views import View, ignored_params, known_country, parse_view

INDICATORS = {"score_mean", "ser_empathy"}


def test_mine_is_read_in_any_case_and_written_back() -> None:
    view = parse_view({"chart": "trend", "mine": "per"}, INDICATORS)
    assert view.mine == "PER" and view.to_params()["mine"] == "PER"
    assert parse_view(view.to_params(), INDICATORS) == view


def test_an_unknown_mine_is_no_country_and_is_named_as_replaced() -> None:
    params = {"mine": "XYZ"}
    view = parse_view(params, INDICATORS)
    assert view.mine is None and "mine" not in view.to_params()
    assert ignored_params(params, view) == ["XYZ"]
    assert ignored_params({"mine": "per"}, parse_view({"mine": "per"}, INDICATORS)) == []
    assert known_country(" chl ") == "CHL" and known_country("") is None and known_country(None) is None


def test_a_shared_view_leaves_the_readers_country_out() -> None:
    view = View(chart="map", mine="PER")
    assert view.shared() == View(chart="map") and "mine" not in view.shared().to_params()


def test_the_table_shown_stars_my_row_and_the_download_stays_plain() -> None:
    table = pd.DataFrame({"País": ["Cuba", "Perú"], "Valor": [1.0, 2.0]})
    shown = marked(table, ("País", "Perú"))
    assert list(shown["País"]) == ["Cuba", f"{MINE_MARK}Perú"]
    assert list(table["País"]) == ["Cuba", "Perú"]  # the bundle's own table is untouched
    assert marked(table, None) is table and marked(table, ("Country", "Perú")) is table


def test_the_table_shown_writes_fractions_in_the_languages_own_way() -> None:
    from components.charts.panel import localized

    table = pd.DataFrame({"País": ["Perú"], "Valor": [1741.2234], "Año": [2019], "Cambio": [-0.5]})
    es, en = localized(table, "es"), localized(table, "en")
    assert es.iloc[0].tolist() == ["Perú", "1.741,22", 2019, "-0,5"]
    assert en.iloc[0].tolist() == ["Perú", "1,741.22", 2019, "-0.5"]
    assert localized(table, "") is table  # no language: figures stay numbers
