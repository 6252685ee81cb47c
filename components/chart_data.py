"""How chart data becomes Vega-Lite values: Altair's own conversion, made cheap for the plain
tables our builders pass (numbers, text, flags), since it ran once per layer on every cold chart.

Layer: components. The values are exactly Altair's (NaN and infinities become null, numpy
scalars Python ones); anything else (dates, categories, object columns) takes Altair's path.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
from altair.vegalite.data import default_data_transformer

TRANSFORMER = "encuentro"
_PLAIN = ("float64", "int64", "bool", "str", "string")


def _is_plain(frame: pd.DataFrame) -> bool:
    if isinstance(frame.index, pd.MultiIndex) or isinstance(frame.columns, pd.MultiIndex):
        return False
    if not all(isinstance(name, str) for name in frame.columns):
        return False
    return all(str(dtype) in _PLAIN for dtype in frame.dtypes)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _column(column: pd.Series) -> list[object]:
    values = column.tolist()
    if column.dtype.kind == "f":
        return [None if math.isnan(v) or math.isinf(v) else v for v in values]
    if column.dtype.kind in "ib":
        return values
    return [None if _missing(v) else v for v in values]  # text: missing is null


def plain_values(data: object) -> dict[str, list[dict[str, object]]]:
    """DATA as {"values": records}, as Altair's default transformer returns it."""
    if isinstance(data, pd.DataFrame) and _is_plain(data):
        columns = {name: _column(data[name]) for name in data.columns}
        rows = zip(*columns.values(), strict=True)
        return {"values": [dict(zip(columns, row, strict=True)) for row in rows]}
    return default_data_transformer(data, max_rows=None)


alt.data_transformers.register(TRANSFORMER, plain_values)
alt.data_transformers.enable(TRANSFORMER)
