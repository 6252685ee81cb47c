"""The cheap chart-data conversion gives exactly Altair's values, and leaves anything unusual to
Altair's own path."""

from __future__ import annotations

import math

import pandas as pd
from altair.vegalite.data import default_data_transformer

from components.charts.data import plain_values


def altairs(frame: pd.DataFrame) -> dict:
    return default_data_transformer(frame, max_rows=None)


def test_plain_tables_give_altairs_values():
    frame = pd.DataFrame(
        {
            "country": pd.Series(["Perú", None, "Chile"], dtype="str"),
            "value": [741.22, math.nan, math.inf],
            "n": [1, 2, 3],
            "flag": [True, False, True],
        }
    )
    assert plain_values(frame) == altairs(frame)
    assert plain_values(frame)["values"][1] == {
        "country": None,
        "value": None,
        "n": 2,
        "flag": False,
    }


def test_dates_categories_and_objects_take_altairs_path():
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2026-12-05", "2026-12-06"]),
            "kind": pd.Categorical(["a", "b"]),
            "label": pd.Series(["a", None], dtype=object),
        }
    )
    assert plain_values(frame) == altairs(frame)


def test_an_empty_table_has_no_rows():
    assert plain_values(pd.DataFrame({"value": pd.Series(dtype=float)})) == {"values": []}
