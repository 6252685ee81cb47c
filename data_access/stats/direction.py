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
NEITHER = {"above": "higher", "up": "higher", "below": "lower", "down": "lower"}  # no good or bad

Direction = bool | None  # higher is better, lower is better, or neither (None)


@cache
def _shipped() -> dict[str, Direction]:
    return {i.code: i.higher_is_better for i in default_indicators()}


def higher_is_better(code: str, directions: dict[str, Direction] | None = None) -> Direction:
    """The catalogue's direction of CODE (DIRECTIONS: the stored catalogue's, when edited):
    True, False, or None when neither way is better."""
    return (_shipped() if directions is None else directions).get(code, True)


def tone(verdict: str, higher: Direction) -> str:
    """better or worse for a tested difference or change, higher or lower when neither way is
    better; other verdicts (same, none, ...) unchanged."""
    reading = NEITHER if higher is None else GOOD_WHEN_HIGH if higher else GOOD_WHEN_LOW
    return reading.get(verdict, verdict)


def tones(verdicts: pd.Series, higher: Direction | pd.Series) -> pd.Series:
    """tone() for every row; HIGHER may differ per row (a profile mixes indicators)."""
    if not isinstance(higher, pd.Series):
        return verdicts.map(lambda v: tone(v, higher))
    return pd.Series([tone(v, h) for v, h in zip(verdicts, higher, strict=True)], index=verdicts.index)


def _sign(higher: Direction) -> float:
    return 1.0 if higher is True else -1.0 if higher is False else float("nan")


def oriented(values: pd.Series, higher: Direction | pd.Series) -> pd.Series:
    """VALUES with the sign turned so that positive always means better than the reference; NaN
    where neither way is better."""
    if not isinstance(higher, pd.Series):
        return values * _sign(higher)
    return values * pd.Series([_sign(h) for h in higher], index=higher.index)


def correlation_significant(r: float | None, n: int) -> bool:
    """Pearson's r different from zero at 5 % (Fisher's z, fine for the dozen-odd countries here)."""
    if r is None or r != r or n < 4 or abs(r) >= 1:
        return r is not None and abs(r) >= 1 and n >= 3
    return abs(math.atanh(r)) * math.sqrt(n - 3) > Z95
