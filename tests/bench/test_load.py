"""bench/load.py against a real `streamlit run` on a seeded store: a few delegates and two followers,
briefly, on one app process and on two. Behaviour only (everyone loaded, no errors, the advance
reached every phone, each process had its tabs), never speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.load import LoadConfig, main, run_load
from bench.loadserve import servers
from bench.loadtools import check_loopback, summary
from bench.server import serve

ROOT = Path(__file__).resolve().parents[2]
REPORT_KEYS = {"scenario", "config", "elapsed_s", "sessions", "loaded", "latency_ms", "errors", "counts"}
REPORT_KEYS |= {"reruns_per_s", "script_runs_per_s", "server", "loadavg", "client", "processes"}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The sample meeting, served by bench.server.serve (the app as deployed)."""
    data_dir = tmp_path_factory.mktemp("load-data")
    env = {"ENCUENTRO_DATA_DIR": str(data_dir)}
    seed = [sys.executable, "manage.py", "seed"]
    subprocess.run(seed, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    with serve(env) as url:
        yield url, data_dir


@pytest.fixture(scope="module")
def second(served: tuple[str, Path]) -> Iterator[str]:
    """A second app process on the same store, as behind a proxy with sticky sessions."""
    with serve({"ENCUENTRO_DATA_DIR": str(served[1])}) as url:
        yield url


def test_delegates_load_the_overview_then_compare_and_act_without_errors(served, tmp_path):
    url, data_dir = served
    out = tmp_path / "delegates.json"
    where = {"url": url, "data_dir": str(data_dir)}
    cfg = LoadConfig("delegates", **where, sessions=3, arrive=1, think=1, duration=6, out=str(out))
    report = run_load(cfg)
    assert report["errors"] == {}, report["error_samples"]
    assert report["loaded"] == 3
    assert report["latency_ms"]["load"]["n"] == 3 and report["latency_ms"]["nav"]["n"] >= 3
    assert report["latency_ms"]["action"]["n"] >= 3  # everyone clicked at least once
    assert REPORT_KEYS | {"actions"} <= report.keys()
    assert report["server"]["pid"] > 0 and report["server"]["script_runs"] > 0
    assert report["processes"] == 1 and len(report["server"]["per_process"]) == 1
    assert json.loads(out.read_text())["scenario"] == "delegates"


def test_delegates_spread_over_two_processes_each_keeping_its_tabs(served, tmp_path):
    _, data_dir = served  # two more servers on its store, started by load.py
    cfg = LoadConfig(
        "delegates", data_dir=str(data_dir), processes=2, sessions=4, arrive=1, think=1, duration=5
    )
    report = run_load(cfg)
    assert report["errors"] == {}, report["error_samples"]
    assert report["loaded"] == 4 and report["processes"] == 2 and len(report["url"].split(",")) == 2
    rows, server = report["server"]["per_process"], report["server"]
    assert len({row["pid"] for row in rows}) == 2 and [row["tabs"] for row in rows] == [2, 2]
    assert all(row["script_runs"] > 0 and row["cpu_ms"] > 0 for row in rows)  # both did work
    assert server["script_runs"] == sum(row["script_runs"] for row in rows)
    assert server["rss_mib"]["end"] == pytest.approx(sum(row["rss_mib"]["end"] for row in rows), abs=0.2)
    assert "processes 2" in summary(report)


def test_followers_on_two_processes_see_the_slide_the_presenter_moved_to(served, second):
    url, data_dir = served
    where = {"url": f"{url},{second}", "data_dir": str(data_dir)}  # one phone on each process
    cfg = LoadConfig("followers", **where, sessions=2, arrive=1, advance=3, advances=1)
    report = run_load(cfg)
    assert report["errors"] == {}, report["error_samples"]
    assert report["loaded"] == 2 and report["processes"] == 2
    assert [row["tabs"] for row in report["server"]["per_process"]] == [1, 1]
    assert report["followers_per_advance"] == [2]  # both phones drew the new slide, each from its process
    quiet = report["quiet_window"]
    assert quiet["polls"] >= 2 and quiet["script_runs"] == 0  # a check that finds nothing runs no script
    assert report["advance_to_shown_ms"]["n"] == 2
    assert REPORT_KEYS | {"quiet_window", "advance_to_shown_ms", "slides"} <= report.keys()


def test_the_probe_reports_a_few_reruns_of_one_page(served, capsys):
    url, _ = served
    assert main(["probe", "--url", url, "--reruns", "3", "--think", "0.2", "--no-warmup"]) == 0
    assert "rerun_ms" in capsys.readouterr().out


def test_only_loopback_is_ever_loaded():
    with pytest.raises(ValueError):
        check_loopback("http://example.org:8501")
    with pytest.raises(ValueError):
        run_load(LoadConfig("delegates", url="http://10.0.0.1:8501"))
    with pytest.raises(ValueError):
        run_load(LoadConfig("delegates", url="http://127.0.0.1:8501,http://10.0.0.1:8501"))


@pytest.mark.parametrize(
    ("url", "processes"),
    [("http://127.0.0.1:1,http://127.0.0.1:1", 1), ("http://127.0.0.1:1,http://127.0.0.1:2", 3), ("", 0)],
)
def test_a_url_list_names_distinct_servers_one_per_process(url, processes):
    with pytest.raises(ValueError), servers(url, "", processes):
        pass
