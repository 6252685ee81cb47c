"""Failed logins counted per source address and per (address, user name), in memory, per process.

Layer: data_access. A throttled attempt is refused before any password hash is computed, so a
flood of wrong logins costs almost nothing and never touches the store. There is no account-wide
lock: failing someone else's name from one address throttles that address for that name (and,
past a higher count, for every name), so nobody can lock the organizer out from the meeting's
wifi for everyone, and an honest typo costs a few minutes at most.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

WINDOW_S = 15 * 60.0
PAIR_LIMIT = 5  # failures of one name from one address within the window
ADDRESS_LIMIT = 30  # failures of any names from one address (a room behind one NAT shares it)


class LoginThrottle:
    """Sliding windows of failure times; thread-safe (every session's script thread logs in here)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, ...], deque[float]] = defaultdict(deque)

    @staticmethod
    def _keys(name: str, address: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return (address,), (address, name.strip().lower())

    def _recent(self, key: tuple[str, ...], now: float) -> deque[float]:
        times = self._failures[key]
        while times and now - times[0] > WINDOW_S:
            times.popleft()
        if not times:
            del self._failures[key]  # keeps memory bounded by the addresses seen in a window
            return deque()
        return times

    def wait_s(self, name: str, address: str) -> float:
        """Seconds until NAME may be tried again from ADDRESS (0: now)."""
        now = self._clock()
        by_address, by_pair = self._keys(name, address)
        with self._lock:
            waits = [
                WINDOW_S - (now - times[0])
                for key, limit in ((by_address, ADDRESS_LIMIT), (by_pair, PAIR_LIMIT))
                if len(times := self._recent(key, now)) >= limit
            ]
        return max(waits, default=0.0)

    def failed(self, name: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key in self._keys(name, address):
                self._failures[key].append(now)

    def clear(self) -> None:
        """Forget every failure (tests; a restart does the same)."""
        with self._lock:
            self._failures.clear()

    def succeeded(self, name: str, address: str) -> None:
        """A right password clears that name's failures from that address (not the address's)."""
        with self._lock:
            self._failures.pop(self._keys(name, address)[1], None)


LOGIN_THROTTLE = LoginThrottle()  # one per process, shared by every session
