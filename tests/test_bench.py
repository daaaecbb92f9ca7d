"""The benchmarks of `make bench` at a tiny size, so that they keep working: each runs in a
process of its own (it sets Django up on a fresh SQLite database), must finish, and must
leave its JSON and its lines of the Markdown table."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each bench sets up a SQLite database of its own: once per suite run is enough.
pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                                reason="the benches' smoke runs use SQLite; run once, "
                                       "in the SQLite pass")


def bench(tmp_path: Path, *args: str, timeout: int = 240) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run([sys.executable, "-m", "bench", *args, "--results", str(tmp_path)],
                          cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / f"{args[0]}-sqlite.json").read_text())
    table = (tmp_path / "README.md").read_text()
    assert all(f"| {args[0]} | SQLite" in line for line in table.splitlines()[6:])
    assert len(table.splitlines()) == 6 + len(report["checks"])
    return report


@pytest.mark.slow
def test_lifecycle_bench_replays_the_writes_of_a_lifecycle(tmp_path):
    report = bench(tmp_path, "lifecycle", "3")
    figures = report["figures"]
    # The replay wrote each of its cases through to closed (the bench checks it), in as
    # many transactions as the services used.
    assert figures["writes_replayed"] > 10 and figures["transactions"] >= 8
    assert figures["queries"] == sum(figures["queries_by_kind"].values())
    assert set(figures["queries_by_step"]) >= {"report", "dispatch", "evaluate"}


@pytest.mark.slow
def test_intake_bench_measures_fresh_and_prefilled_tables(tmp_path):
    report = bench(tmp_path, "intake", "3", "--prefill", "20")
    rounds = report["figures"]["rounds"]
    assert len(rounds) == 2 and rounds[1]["cases_before"] > rounds[0]["cases_before"] + 20
    assert report["figures"]["queries_service"] > 0


@pytest.mark.slow
def test_sweep_bench_reports_levels_and_the_idle_ratio(tmp_path):
    report = bench(tmp_path, "sweep", "5000")
    figures = report["figures"]
    assert figures["fired"] >= figures["due"] > 0
    assert {c["name"] for c in report["checks"]} == {"sweep per fired level",
                                                     "idle sweep vs indexed count"}


@pytest.mark.slow
def test_load_bench_runs_the_mixed_workload_without_a_failed_request(tmp_path):
    # find_spec, not import: locust's gevent would patch this worker's threads
    if importlib.util.find_spec("locust") is None:
        pytest.skip("the bench extra (locust) is not installed")
    report = bench(tmp_path, "load", "3", timeout=300)
    runs = report["figures"]["runs"]
    assert {"intake", "sign", "reply", "cases list", "queues", "workbench page"} <= set(
        runs["mixed_huying"])
    assert report["figures"]["failures"] == {"intake_huying": 0, "mixed_huying": 0}
