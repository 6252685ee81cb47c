"""Which way is better: an indicator's direction (from the catalogue) turned into what a reader
needs, so a share at level I above the region never looks like a score above it.

Layer: data_access; pure functions. Statistical verdicts (above, below, up, down) stay what they
are; their tone (better, worse) depends on the indicator's direction.
"""

from __future__ import annotations

import math
from functools import cache

import pandas as pd

from data_access.core.catalogues import default_indicators
from data_access.stats.comparison_tables import Z95

GOOD_WHEN_HIGH = {"above": "better", "up": "better", "below": "worse", "down": "worse"}
GOOD_WHEN_LOW = {"above": "worse", "up": "worse", "below": "better", "down": "better"}


@cache
def _shipped() -> dict[str, bool]:
    return {i.code: i.higher_is_better for i in default_indicators()}


def higher_is_better(code: str, directions: dict[str, bool] | None = None) -> bool:
    """The catalogue's direction of CODE (DIRECTIONS: the stored catalogue's, when edited)."""
    return (_shipped() if directions is None else directions).get(code, True)


def tone(verdict: str, higher: bool) -> str:
    """better or worse for a tested difference or change; other verdicts (same, none, ...) unchanged."""
    return (GOOD_WHEN_HIGH if higher else GOOD_WHEN_LOW).get(verdict, verdict)


def tones(verdicts: pd.Series, higher: bool | pd.Series) -> pd.Series:
    """tone() for every row; HIGHER may differ per row (a profile mixes indicators)."""
    if isinstance(higher, bool):
        return verdicts.map(lambda v: tone(v, higher))
    return pd.Series([tone(v, h) for v, h in zip(verdicts, higher, strict=True)], index=verdicts.index)


def oriented(values: pd.Series, higher: bool | pd.Series) -> pd.Series:
    """VALUES with the sign turned so that positive always means better than the reference."""
    sign = 1.0 if higher is True else -1.0 if higher is False else higher.map({True: 1.0, False: -1.0})
    return values * sign


def correlation_significant(r: float | None, n: int) -> bool:
    """Pearson's r different from zero at 5 % (Fisher's z, fine for the dozen-odd countries here)."""
    if r is None or r != r or n < 4 or abs(r) >= 1:
        return r is not None and abs(r) >= 1 and n >= 3
    return abs(math.atanh(r)) * math.sqrt(n - 3) > Z95
