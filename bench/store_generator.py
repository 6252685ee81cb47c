"""A large, deterministic results store for the page benchmarks, built through the app's own code.

20 LAC countries x 60 indicators (the shipped 15 plus 45 `bench_ind_NN`) x 4 cycles (2006, 2013,
2019, 2025) x grades 3 and 6 x 4 subjects x 12 groups = 460,800 observations. Every country's
rows go through the real path a workbook takes after it is read: `validate_results` on a sheet
of cells, then `publish_results` (one Submission per country, bulk insert, audit event, data
version). The values are plausible (levels I-IV sum to 100, the minimum-proficiency share is
their sum above the grade's boundary, scores around 700) so every /compare chart has data.

The built store is cached under CACHE_ROOT, keyed on GENERATOR_VERSION and the schema's
migration head, so reruns reuse it; callers copy it before opening it with the app (the app
writes to its store on start: reference rows, the bootstrap organizer).

    .venv/bin/python bench/store_generator.py [--out DIR] [--force]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from alembic.script import ScriptDirectory  # noqa: E402

from data_access.core.actors import CLI_ACTOR  # noqa: E402
from data_access.core.catalogues import GROUPS, SUBJECTS, lac_countries, list_indicators, seed_reference  # noqa: E402
from data_access.core.models import Indicator  # noqa: E402
from data_access.core.settings import get_settings  # noqa: E402
from data_access.core.store import (  # noqa: E402
    alembic_config,
    engine_for,
    get_data_version,
    migrate,
    read_session,
    session_scope,
)
from data_access.publishing.ingest import publish_results  # noqa: E402
from data_access.stats.comparison_tables import MIN_LEVEL  # noqa: E402
from data_access.workbooks.columns import RESULTS  # noqa: E402
from data_access.workbooks.validation import validate_results  # noqa: E402
from data_access.workbooks.workbook import RawSheet, RawWorkbook, paused_gc  # noqa: E402

GENERATOR_VERSION = 1  # bump whenever the rows change, so cached stores are rebuilt
SEED = 42
# The 17 countries of the sample meeting plus three more: real LAC codes (checked on use).
COUNTRIES = (
    "ARG", "BOL", "BRA", "CHL", "COL", "CRI", "CUB", "DOM", "ECU", "GTM",
    "HND", "JAM", "MEX", "NIC", "PAN", "PER", "PRY", "SLV", "URY", "VEN",
)  # fmt: skip
COUNTRY_COUNT = len(COUNTRIES)
EXTRA_INDICATORS = 45
YEARS = (2006, 2013, 2019, 2025)
GRADES = (3, 6)
SUBJECT_CODES = tuple(SUBJECTS)  # reading, mathematics, science, writing
GROUP_CODES = tuple(GROUPS)  # total, female, male, urban, rural, public, private, ses_q1..ses_q5
EXPECTED_ROWS = COUNTRY_COUNT * (15 + EXTRA_INDICATORS) * len(YEARS) * len(GRADES) * 4 * 12  # 460,800
CACHE_ROOT = Path(tempfile.gettempdir()) / "encuentro-bench-pages"  # bench/.cache is not gitignored
DB_NAME = "encuentro.db"
BUILD_INFO = "build.json"  # how long the cached store took to build
SOURCE = "bench (generated)"

# Shifts of the latent "performance" of each group and subject, in standard deviations.
GROUP_SHIFT = {
    "total": 0.0, "female": 0.05, "male": -0.05, "urban": 0.25, "rural": -0.4, "public": -0.15,
    "private": 0.6, "ses_q1": -0.8, "ses_q2": -0.4, "ses_q3": 0.0, "ses_q4": 0.35, "ses_q5": 0.8,
}  # fmt: skip
SUBJECT_SHIFT = {"reading": 0.0, "mathematics": -0.15, "science": -0.05, "writing": 0.1}
BENCH_DOMAINS = ("learning", "ser", "recovery", "system")
BENCH_UNITS = ("score", "percent")


@dataclass(frozen=True)
class BuiltStore:
    data_dir: Path
    db_path: Path
    rows: int
    seconds: float  # how long the build took (read back from the cache)
    cached: bool

    @property
    def size_mb(self) -> float:
        return self.db_path.stat().st_size / 1e6


def bench_indicators() -> list[Indicator]:
    """The 45 extra catalogue rows: bench_ind_01.. cycling through domains and units."""
    out = []
    for i in range(1, EXTRA_INDICATORS + 1):
        domain = BENCH_DOMAINS[(i - 1) % len(BENCH_DOMAINS)]
        unit = BENCH_UNITS[(i - 1) // len(BENCH_DOMAINS) % len(BENCH_UNITS)]
        low, high = (300.0, 1100.0) if unit == "score" else (0.0, 100.0)
        out.append(
            Indicator.model_validate(
                {
                    "code": f"bench_ind_{i:02d}",
                    "domain": domain,
                    "unit": unit,
                    "min_value": low,
                    "max_value": high,
                    "higher_is_better": i % 5 != 0,
                    "name_es": f"Indicador de prueba {i:02d}",
                    "name_pt": f"Indicador de teste {i:02d}",
                    "name_en": f"Benchmark indicator {i:02d}",
                    "description_es": "Indicador generado para las pruebas de rendimiento.",
                    "description_pt": "Indicador gerado para os testes de desempenho.",
                    "description_en": "Indicator generated for the performance benchmarks.",
                    "source": SOURCE,
                }
            )
        )
    return out


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _level_shares(z: float) -> list[float]:
    """Four shares summing to 100, their centre moving up with the latent performance Z."""
    centre = _clip(2.4 + 0.9 * z, 0.6, 4.4)
    weights = [math.exp(-((k - centre) ** 2) / 1.6) for k in (1, 2, 3, 4)]
    total = sum(weights)
    shares = [round(100 * w / total, 2) for w in weights]
    shares[-1] = round(100 - sum(shares[:-1]), 2)
    return shares


def _value(ind: Indicator, z: float, levels: list[float], grade: int, rng: random.Random) -> float:
    code, unit = ind.code, ind.unit
    if code.startswith("level_"):
        return levels[int(code[6]) - 1]
    if code == "min_proficiency_pct":
        return round(sum(levels[MIN_LEVEL[grade] - 1 :]), 2)
    sign = 1 if ind.higher_is_better else -1
    if unit == "score":
        centre = 700 if code == "score_mean" else 600
        return round(_clip(centre + 90 * (z + rng.gauss(0, 0.2)), ind.min_value + 1, ind.max_value - 1), 2)
    if unit == "index":
        return round(_clip(50 + 10 * (z + rng.gauss(0, 0.2)), 0.5, 99.5), 2)
    if unit == "percent":
        return round(_clip(55 + 18 * sign * z + rng.gauss(0, 3), 0.5, 99.5), 2)
    if unit == "years":
        return float(rng.randint(2, 6))
    return float(rng.randint(1, int(ind.max_value)))  # count


def country_rows(iso3: str, indicators: list[Indicator], rng: random.Random) -> list[list[object]]:
    """One country's cells in the template's column order (country .. note)."""
    rows: list[list[object]] = []
    base = rng.gauss(0, 0.6)
    slope = rng.gauss(0.08, 0.08)
    with_se = [ind.domain in ("learning", "ser") for ind in indicators]
    for step, year in enumerate(YEARS):
        for grade in GRADES:
            for subject in SUBJECT_CODES:
                for group in GROUP_CODES:
                    z = base + slope * step + GROUP_SHIFT[group] + SUBJECT_SHIFT[subject] + rng.gauss(0, 0.15)
                    levels = _level_shares(z)
                    for ind, has_se in zip(indicators, with_se, strict=True):
                        value = _value(ind, z, levels, grade, rng)
                        se = lo = hi = n = None
                        if has_se:
                            se = round((4.5 if ind.unit == "score" else 1.2) * rng.uniform(0.6, 1.6), 2)
                            lo, hi = round(value - 1.96 * se, 2), round(value + 1.96 * se, 2)
                            n = rng.randint(300, 6000)
                        rows.append(
                            [iso3, ind.code, year, grade, subject, group, value, se, lo, hi, n, SOURCE, None]
                        )
    return rows


def _original_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    """What the 'uploaded file' of a country is: its cells as CSV (kept as the original)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def schema_head() -> str:
    """The migration head the store is built at (part of the cache key)."""
    return ScriptDirectory.from_config(alembic_config(None)).get_current_head() or "none"


def cache_dir() -> Path:
    return CACHE_ROOT / f"store-v{GENERATOR_VERSION}-{schema_head()}"


def build_store(data_dir: Path, *, verbose: bool = True) -> BuiltStore:
    """Build the store into DATA_DIR (which must not hold one yet) through the app's code."""
    start = time.perf_counter()
    settings = get_settings({"ENCUENTRO_DATA_DIR": str(data_dir)})
    if settings.database_url.split("///", 1)[-1] != str(data_dir / DB_NAME):
        raise RuntimeError(f"unexpected database url {settings.database_url}")
    if (data_dir / DB_NAME).exists():
        raise FileExistsError(data_dir / DB_NAME)
    engine = engine_for(settings)
    migrate(engine)
    with session_scope(engine) as session:
        seed_reference(session=session)
        session.add_all(bench_indicators())
    with read_session(engine) as session:
        catalogue = list_indicators(session=session)
    by_code = {i.code: i for i in catalogue}
    indicators = [by_code[c] for c in sorted(by_code)]  # fixed order, independent of domains
    if len(indicators) != 15 + EXTRA_INDICATORS:
        raise RuntimeError(f"expected {15 + EXTRA_INDICATORS} indicators, found {len(indicators)}")
    header = [col.label("es") for col in RESULTS.columns]
    known = {c.iso3 for c in lac_countries()}
    countries = [c for c in COUNTRIES if c in known]
    if len(countries) != COUNTRY_COUNT:
        raise RuntimeError(f"not LAC countries: {sorted(set(COUNTRIES) - known)}")
    rng = random.Random(SEED)
    total = 0
    timings = {"generate": 0.0, "validate": 0.0, "publish": 0.0}
    for iso3 in countries:
        t0 = time.perf_counter()
        rows = country_rows(iso3, indicators, rng)
        data = _original_bytes(header, rows)
        raw = RawWorkbook("xlsx", [RawSheet("resultados", True, [header, *rows])])
        t1 = time.perf_counter()
        with paused_gc():
            frame, report = validate_results(raw, indicators=catalogue, expected_country=iso3)
        t2 = time.perf_counter()
        if not report.ok or len(frame) != len(rows) or report.problems:
            shown = [f"{p.code} {p.params}" for p in report.problems[:5]]
            raise RuntimeError(f"{iso3}: {len(frame)}/{len(rows)} valid rows; problems: {shown}")
        with paused_gc():
            outcome = publish_results(
                engine=engine,
                frame=frame,
                country_iso3=iso3,
                file_name=f"bench_{iso3}.csv",
                data=data,
                actor=CLI_ACTOR,
            )
        t3 = time.perf_counter()
        timings["generate"] += t1 - t0
        timings["validate"] += t2 - t1
        timings["publish"] += t3 - t2
        total += outcome.row_count
        if verbose:
            print(
                f"  {iso3}: {outcome.row_count:,} rows, version {outcome.version} ({t3 - t0:.2f} s)",
                flush=True,
            )
    version = get_data_version(engine)
    engine.dispose()
    with sqlite3.connect(data_dir / DB_NAME) as conn:  # fold the WAL into the file: one file to copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - start
    if verbose:
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        print(f"built {total:,} observations, data version {version}, in {seconds:.1f} s ({parts})")
    if total != EXPECTED_ROWS:
        raise RuntimeError(f"expected {EXPECTED_ROWS:,} observations, published {total:,}")
    return BuiltStore(data_dir, data_dir / DB_NAME, total, seconds, cached=False)


def cached_store(*, force: bool = False, verbose: bool = True) -> BuiltStore:
    """The built store from the cache, building it (into a temporary folder, then renamed) if needed."""
    target = cache_dir()
    if force and target.exists():
        shutil.rmtree(target)
    if (target / DB_NAME).exists():
        info = json.loads((target / BUILD_INFO).read_text()) if (target / BUILD_INFO).exists() else {}
        return BuiltStore(target, target / DB_NAME, EXPECTED_ROWS, info.get("seconds", 0.0), cached=True)
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="building-", dir=CACHE_ROOT))
    try:
        built = build_store(staging, verbose=verbose)
        for leftover in staging.glob(f"{DB_NAME}-*"):  # -wal / -shm, empty after the checkpoint
            leftover.unlink()
        (staging / BUILD_INFO).write_text(
            json.dumps({"seconds": round(built.seconds, 2), "rows": built.rows})
        )
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuiltStore(target, target / DB_NAME, built.rows, built.seconds, cached=False)


def copy_store(built: BuiltStore, data_dir: Path) -> Path:
    """A private copy of the cached store in DATA_DIR, for an app to open (and write to)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built.db_path, data_dir / DB_NAME)
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="build into this folder instead of the cache")
    parser.add_argument("--force", action="store_true", help="rebuild the cached store")
    args = parser.parse_args()
    built = build_store(args.out.resolve()) if args.out else cached_store(force=args.force)
    how = f"built in {built.seconds:.1f} s" + (", reused from the cache" if built.cached else "")
    print(f"{built.db_path}: {built.rows:,} observations, {built.size_mb:.1f} MB, {how}")


if __name__ == "__main__":
    main()
