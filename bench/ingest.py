"""Benchmark: read + validate + publish a 100,000-row workbook, against two baselines.

Baselines, run in the same process on the same file: python-calamine alone reading the sheet,
and the naive path (pd.read_excel with openpyxl, then one ORM object per row). Median of
several runs; the ratios go into bench/RESULTS.md.

    .venv/bin/python bench/ingest.py [--rows 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import python_calamine  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.generate import write_results_workbook  # noqa: E402
from bench.results import record  # noqa: E402
from data_access.core.actors import CLI_ACTOR  # noqa: E402
from data_access.core.catalogues import seed_reference  # noqa: E402
from data_access.core.models import Observation, Submission  # noqa: E402
from data_access.core.settings import get_settings  # noqa: E402
from data_access.core.store import make_engine, migrate, session_scope  # noqa: E402
from data_access.publishing.imports import import_file  # noqa: E402


def fresh_engine(folder: Path, name: str) -> Engine:
    engine = make_engine(f"sqlite:///{folder / name}")
    migrate(engine)
    with session_scope(engine) as session:
        seed_reference(session=session)
    return engine


def median_seconds(fn: Callable[[int], object], runs: int) -> float:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def calamine_only(path: Path) -> None:
    python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def naive(path: Path, engine: Engine) -> None:
    frame = pd.read_excel(path, engine="openpyxl")
    with Session(engine) as session:
        sub = Submission(
            country_iso3="PER",
            version=1,
            file_name=path.name,
            sha256="x",
            uploader="bench",
            row_count=len(frame),
            original=path.read_bytes(),
        )
        session.add(sub)
        session.flush()
        for row in frame.itertuples(index=False):
            session.add(
                Observation(
                    submission_id=sub.id,
                    country_iso3=row[0],
                    indicator_code=row[1],
                    year=int(row[2]),
                    grade=int(row[3]),
                    subject=row[4],
                    group=row[5],
                    value=float(row[6]),
                    se=float(row[7]),
                    ci_low=float(row[8]),
                    ci_high=float(row[9]),
                    n=int(row[10]),
                    source=row[11],
                )
            )
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_results_workbook(folder / "results.xlsx", args.rows)
        data = path.read_bytes()
        settings = get_settings({"ENCUENTRO_DATA_DIR": str(folder / "data")})

        engines = [fresh_engine(folder, f"ours{i}.db") for i in range(args.runs)]  # set-up is not timed
        naive_engines = [fresh_engine(folder, f"naive{i}.db") for i in range(args.naive_runs)]

        def ours(i: int) -> None:
            result = import_file(
                engine=engines[i],
                settings=settings,
                data=data,
                file_name=path.name,
                actor=CLI_ACTOR,
            )
            assert result.published and result.outcome.row_count == args.rows, result.report.problems[:3]

        base = median_seconds(lambda i: calamine_only(path), args.runs)
        mine = median_seconds(ours, args.runs)
        slow = median_seconds(lambda i: naive(path, naive_engines[i]), args.naive_runs)
    lines = [
        f"- rows: {args.rows:,}; runs: {args.runs} (naive: {args.naive_runs}); file {len(data) / 1e6:.1f} MB",
        f"- python-calamine alone reading the sheet: {base:.3f} s (median)",
        f"- Encuentro read (child process) + validate + publish: {mine:.3f} s (median)",
        f"- naive pd.read_excel(openpyxl) + one ORM object per row: {slow:.3f} s (median)",
        f"- **ours / calamine-alone = {mine / base:.2f}** (target <= 2.0)",
        f"- **naive / ours = {slow / mine:.1f}x** (target >= 5)",
    ]
    print("\n".join(lines))
    record("ingest", "bench/ingest.py: read, validate and publish a generated results workbook", lines)


if __name__ == "__main__":
    main()
