"""How chart data becomes Vega-Lite values: Altair's own conversion, made cheap for the plain
tables our builders pass (numbers, text, flags), since it ran once per layer on every cold chart.

Layer: components. The values are exactly Altair's (NaN and infinities become null, numpy
scalars Python ones); anything else (dates, categories, object columns) takes Altair's path.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import altair as alt
import pandas as pd
from altair.vegalite.data import default_data_transformer
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

TRANSFORMER = "encuentro"
_PLAIN = ("float64", "int64", "bool", "str", "string")
_ARROW = threading.local()  # per thread: Altair's transformer is one for the whole process


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


@contextmanager
def arrow_datasets() -> Iterator[dict[str, bytes]]:
    """Within the block (this thread only), tables become named datasets whose Arrow bytes land
    in the dict yielded: what Streamlit sends anyway, without building JSON values first."""
    _ARROW.store = store = {}
    try:
        yield store
    finally:
        _ARROW.store = None


def plain_values(data: object) -> dict[str, object]:
    """DATA as {"values": records}, as Altair's default transformer returns it, or, within
    arrow_datasets(), as {"name": ...} with its Arrow bytes set aside."""
    store = getattr(_ARROW, "store", None)
    if store is not None and isinstance(data, pd.DataFrame):
        raw = convert_anything_to_arrow_bytes(data.reset_index(drop=True))
        name = f"arrow-{hashlib.md5(raw, usedforsecurity=False).hexdigest()}"
        store[name] = raw
        return {"name": name}
    if isinstance(data, pd.DataFrame) and _is_plain(data):
        columns = {name: _column(data[name]) for name in data.columns}
        rows = zip(*columns.values(), strict=True)
        return {"values": [dict(zip(columns, row, strict=True)) for row in rows]}
    return default_data_transformer(data, max_rows=None)


alt.data_transformers.register(TRANSFORMER, plain_values)
alt.data_transformers.enable(TRANSFORMER)
