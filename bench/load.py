"""HTTP load: a headless locust against huying under gunicorn, and the same locust against a
bare WSGI endpoint on the same server settings, in the same run.

    python -m bench load [SECONDS] [--db sqlite|pg] [--users 4] [--max-requests 20000]

The county is the tests' small county (tests/factories.py) with dispatched cases for the
department to sign and reply to; huying is served by gunicorn (2 sync workers) on a free
loopback port, the reference (`bench/bare_wsgi.py`) by a second gunicorn with the same
settings. Two workloads run against each, each bounded in time (SECONDS) and in requests:
intake alone (`POST /api/v1/intake/12345`, the target's figure) and a mix — intake, the
case list, the queues, the workbench page, sign and reply. Throughput and p50/p99 come from
locust's own statistics; the ratio is huying's requests/s ÷ the bare endpoint's. Only
loopback traffic; locust and both servers share the machine's cores, alike for both.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import DATABASES, RESULTS, Check, record, setup_django, spread_point

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_RATIO = 0.2
TARGET_P99_MS = 100.0
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(assignments: int) -> dict:
    """The county, the callers' credentials and the assignments waiting to be signed."""
    from django.test import Client
    from django.utils import timezone

    from huying.cases import flows
    from huying.cases import services as cs
    from huying.org.auth import token_issue
    from tests.factories import build_world

    now = timezone.now()
    world = build_world(now)
    supervisor, responder = world.user("supervisor"), world.user("responder_d05")
    pending = []
    for i in range(assignments):
        lon, lat = spread_point(i)
        case, _ = flows.case_report_filed(
            actor=supervisor, county=world.county, now=now, matter_code="M002",
            channel="12345", title="路灯不亮", description=f"新华路中段第{i}号杆起路灯不亮。",
            longitude=lon, latitude=lat, external_ref=f"LOAD-{i:06d}", source_system="bench")
        (lead,) = cs.case_dispatch(case=case, actor=supervisor, lead=world.dept("D05"),
                                   now=now)
        pending.append(lead.pk)
    client = Client()
    client.force_login(supervisor)
    _, supervisor_token = token_issue(actor=None, user=supervisor, name="bench", now=now)
    _, responder_token = token_issue(actor=None, user=responder, name="bench", now=now)
    return {"county": world.county.code, "points": [spread_point(i) for i in range(5_000)],
            "assignments": pending,
            "session": client.cookies["sessionid"].value,
            "supervisor_token": supervisor_token, "responder_token": responder_token}


class Server:
    """A gunicorn of 2 sync workers on a free loopback port, stopped on exit."""

    def __init__(self, app: str, ready_path: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app, self.ready_path, self.log = app, ready_path, log

    def __enter__(self) -> Server:
        self.out = self.log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), self.app, "--workers", str(WORKERS), "--bind",
             f"127.0.0.1:{self.port}"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=self.out,
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=5):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.app} did not start: see {self.log}") from None
                time.sleep(0.3)
        # One request per worker warms its imports and caches before anything is timed.
        for _ in range(WORKERS * 2):
            with urllib.request.urlopen(self.url + self.ready_path, timeout=30):
                pass
        return self

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.out.close()


def swarm(url: str, plan: dict, *, mode: str, seconds: int, users: int,
          max_requests: int, work: Path) -> dict:
    """One headless locust run: its aggregate and per-request figures."""
    plan_path = work / f"plan-{mode}.json"
    plan_path.write_text(json.dumps({**plan, "mode": mode, "max_requests": max_requests}))
    prefix = work / f"{mode}-{url.rsplit(':', 1)[1]}"
    with (work / f"{prefix.name}.log").open("w") as log:
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
             "--stop-timeout", "5", "--host", url, "--csv", str(prefix), "--only-summary",
             "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, "HUYING_BENCH_PLAN": str(plan_path)}, check=False,
            stdout=subprocess.DEVNULL, stderr=log, timeout=seconds + 60)
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "per_s": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"] or 0), "p99_ms": float(row["99%"] or 0)}
    return rows


def run(*, seconds: int = 30, db: str = "sqlite", users: int = 4, max_requests: int = 20_000,
        results: Path = RESULTS) -> dict:
    setup_django(db)
    from django.db import connections

    from bench.common import database_label

    print(f"load benchmark: locust, {users} users, {seconds}s per run (or {max_requests:,} "
          f"requests), gunicorn {WORKERS} workers, {database_label()}")
    plan = seed(assignments=max(60, seconds * 20))
    label = database_label()
    connections.close_all()
    work = Path(tempfile.mkdtemp(prefix="huying-load-"))
    figures: dict[str, dict] = {}
    with Server("huying.wsgi:application", "/accounts/login/", work / "huying.log") as huying, \
            Server("bench.bare_wsgi:application", "/", work / "bare.log") as bare:
        # A few seconds of the mix first: each worker's per-process caches (locator,
        # channels, lexicon, catalogue) fill outside the measured runs.
        swarm(huying.url, plan, mode="mixed", seconds=min(seconds, 5), users=users,
              max_requests=max_requests, work=work)
        plan["assignments"] = plan["assignments"][:len(plan["assignments"]) // 2]
        for mode in ("intake", "mixed"):
            for name, server in (("huying", huying), ("bare", bare)):
                # The bare runs get their own copy of the assignments: it answers anything.
                stats = swarm(server.url, plan, mode=mode, seconds=seconds, users=users,
                              max_requests=max_requests, work=work)
                figures[f"{mode}_{name}"] = stats
                total = stats["Aggregated"]
                print(f"  {mode:<6} {name:<6} {total['per_s']:>8,.1f} req/s  p50 "
                      f"{total['p50_ms']:>5.0f} ms  p99 {total['p99_ms']:>5.0f} ms  "
                      f"({total['requests']:,} requests, {total['failures']} failed)")
    failures = {k: v["Aggregated"]["failures"] for k, v in figures.items() if "huying" in k}
    intake_ratio = (figures["intake_huying"]["Aggregated"]["per_s"]
                    / figures["intake_bare"]["Aggregated"]["per_s"])
    mixed_ratio = (figures["mixed_huying"]["Aggregated"]["per_s"]
                   / figures["mixed_bare"]["Aggregated"]["per_s"])
    print(f"  ratio against the bare WSGI endpoint: intake {intake_ratio:.3f}×, mixed "
          f"{mixed_ratio:.3f}×")
    print("  mixed workload on huying, by request:")
    for name, row in figures["mixed_huying"].items():
        if name != "Aggregated":
            print(f"    {name:<15} {row['per_s']:>7,.1f}/s  p50 {row['p50_ms']:>5.0f} ms  "
                  f"p99 {row['p99_ms']:>5.0f} ms  failed {row['failures']}")
    summary = {"seconds": seconds, "users": users, "workers": WORKERS, "database": label,
               "intake_ratio": round(intake_ratio, 4), "mixed_ratio": round(mixed_ratio, 4),
               "failures": failures, "runs": figures}
    checks = [Check("HTTP intake vs bare WSGI", intake_ratio, "≥", TARGET_RATIO, "×"),
              Check("HTTP intake p99", figures["intake_huying"]["Aggregated"]["p99_ms"], "<",
                    TARGET_P99_MS, " ms"),
              Check("failed requests (huying)", sum(failures.values()), "≤", 0)]
    record(bench="load", db=db, rows=seconds, figures=summary, checks=checks, results=results)
    return summary


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench load")
    parser.add_argument("seconds", nargs="?", type=int, default=30)
    parser.add_argument("--db", choices=DATABASES, default="sqlite")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    run(seconds=args.seconds, db=args.db, users=args.users, max_requests=args.max_requests,
        results=args.results)


if __name__ == "__main__":
    main(sys.argv[1:])
