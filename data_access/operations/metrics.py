"""What /metrics reports, in Prometheus' text format, for the people who run a meeting's server:
page reruns and how long they took, failed logins, rejected uploads and unexpected page errors
(counted in this process), and from the store the open login sessions, the versions published
and the data version. The process's own CPU and memory come with prometheus_client's collectors.

Layer: data_access. Counters live per process (several app processes are scraped one by one);
what the store holds is read at scrape time, so every process reports the same values for it.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlmodel import col

from data_access.core.models import LoginSession, Submission, utcnow
from data_access.core.store import get_data_version

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")

# Our own registry, not the library's global one: a module reloaded in development makes a new one
# instead of failing on metrics registered twice.
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # process_cpu_seconds_total, resident memory, open files
RERUNS = Histogram(
    "encuentro_rerun_seconds",
    "Page reruns that ran to their end, by page, and how long they took.",
    ["page"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
FAILED_LOGINS = Counter(
    "encuentro_failed_logins", "Logins refused: wrong name or password, or throttled.", registry=REGISTRY
)
REJECTED_UPLOADS = Counter(
    "encuentro_rejected_uploads", "Uploaded files whose check found errors.", registry=REGISTRY
)
PAGE_ERRORS = Counter(
    "encuentro_page_errors", "Unexpected page errors (each logged with its id).", registry=REGISTRY
)


class StoreCollector(Collector):
    """Gauges read from the store at each scrape: shared by every process on that store."""

    def __init__(self) -> None:
        self.engine: Engine | None = None  # set by the route once it has the configured store

    def collect(self) -> Iterator[Metric]:
        if self.engine is None:
            return
        now = utcnow()
        with self.engine.connect() as conn:
            versions = conn.execute(select(func.count()).select_from(Submission)).scalar_one()
            open_sessions = conn.execute(
                select(func.count())
                .select_from(LoginSession)
                .where(col(LoginSession.ended_at).is_(None), col(LoginSession.expires_at) > now)
            ).scalar_one()
        yield _gauge(
            "encuentro_published_versions", "Country versions published, rollbacks included.", versions
        )
        yield _gauge(
            "encuentro_open_login_sessions", "Login sessions open now (not ended, not idle).", open_sessions
        )
        yield _gauge("encuentro_data_version", "The store's data version.", get_data_version(self.engine))


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


STORE = StoreCollector()
REGISTRY.register(STORE)


def render_metrics(engine: Engine) -> bytes:
    """The exposition text, the store's gauges read now."""
    STORE.engine = engine
    return generate_latest(REGISTRY)


def may_read_metrics(client: str | None, headers: Mapping[str, str], token: str) -> bool:
    """Loopback callers that came straight here (no proxy header), or whoever sends the token."""
    sent = headers.get("authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    direct = not any(headers.get(h) for h in PROXY_HEADERS)  # a proxy on this host is not the host
    return direct and client in LOOPBACK
