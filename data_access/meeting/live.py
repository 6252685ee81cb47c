"""What open screens watch: the data version and the presenter's slide, read from the store at
most once a second per process and shared by every session and request of that process.

Layer: data_access. A plenary is hundreds of phones asking "anything new?" every few seconds;
one small read per second answers all of them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, event

from data_access.core.store import get_data_version
from data_access.meeting.deck import get_presenter_state

MAX_AGE_S = 1.0
LIVE_PATH = "/api/v1/live"  # where routes/live.py answers it
_CACHES: dict[str, LiveCache] = {}
_CACHES_LOCK = threading.Lock()


@dataclass(frozen=True)
class LiveState:
    data_version: int = 0
    slide: int = 0
    paused: bool = False
    changed_at: str = ""  # when the presenter last moved

    def to_dict(self) -> dict[str, object]:
        """The JSON the watchers on the page poll."""
        return asdict(self)


def read_live_state(engine: Engine) -> LiveState:
    """Two single-row reads: the data version and the presenter state."""
    state = get_presenter_state(engine)
    return LiveState(get_data_version(engine), state.slide, state.paused, state.changed_at)


class LiveCache:
    """The live state of one store, re-read when older than MAX_AGE_S; one reader at a time, the
    others get the copy in hand (a second old at most)."""

    def __init__(self, engine: Engine, max_age_s: float = MAX_AGE_S) -> None:
        self._engine = engine
        self._max_age_s = max_age_s
        self._lock = threading.Lock()
        self._state: LiveState | None = None
        self._read_at = float("-inf")

    def peek(self) -> LiveState | None:
        """The copy in hand while it is fresh, else None (the caller then reads, off the event loop)."""
        if self._state is not None and time.monotonic() - self._read_at < self._max_age_s:
            return self._state
        return None

    def get(self) -> LiveState:
        """The shared state, refreshed from the store when it is stale."""
        fresh = self.peek()
        if fresh is not None:
            return fresh
        if not self._lock.acquire(blocking=self._state is None):
            assert self._state is not None  # blocking=False only once a state exists
            return self._state  # someone is reading it right now
        try:
            self._state, self._read_at = read_live_state(self._engine), time.monotonic()
            return self._state
        finally:
            self._lock.release()

    def expire(self) -> None:
        """Forget the copy in hand (this process just wrote), so the next get reads the store."""
        self._read_at = float("-inf")


def shared_live_cache(engine: Engine) -> LiveCache:
    """The one LiveCache of ENGINE's database in this process: the pages and the live route read
    the same copy, so a watcher and the run it triggers never disagree."""
    key = engine.url.render_as_string(hide_password=False)
    with _CACHES_LOCK:
        if key not in _CACHES:
            _CACHES[key] = LiveCache(engine)
        return _CACHES[key]


@event.listens_for(Engine, "commit")
def _expire_after_write(conn: object) -> None:
    """Any write committed in this process shows on its next read, not a second later."""
    for cache in list(_CACHES.values()):
        cache.expire()
