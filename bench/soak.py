"""Fault drill (`make soak`, issue 16 item 6): `huying serve` under a load of intake POSTs
while its processes are killed and PostgreSQL is restarted; afterwards every report a
client saw accepted is exactly one case.

1. A node of its own: a fresh var dir; on `--db pg` the database `huying_soak` (dropped and
   created) and huey on Redis 127.0.0.1:6379 db 15 (flushed), on `--db sqlite` a SQLite file
   and SQLite huey. Migrated, `demo seed --small`, a simulated week, a token for the county
   supervisor.
2. `huying serve` (2 web workers, 1 consumer) on a free loopback port.
3. CLIENTS threads POST `/api/v1/intake/12345`, each report with an external id of its own;
   a connection error, a timeout or a 5xx is retried with the SAME external id and payload,
   as a source system would, until a 200/201 or the drill's deadline.
4. During the load: kill -9 of one gunicorn worker (gunicorn boots another); kill -9 of the
   huey consumer (serve sees a child die, stops the rest and exits 1; the drill starts serve
   again, as systemd's Restart=on-failure does); on `--db pg` a restart of PostgreSQL.
5. Checks: each id answered 200/201 is one case and one intake record, none other exists;
   the SLA sweep (`huying sweep`, as of 60 days ahead so that the simulated week's clocks
   breach) completes, a second pass adds no deduction, and no case has a rule's deduction
   twice. (The drill's own reports are registered, not dispatched: they have no clocks.)

`python -m bench soak [--seconds 60] [--db pg|sqlite] [--clients 4]`; the summary is printed
and written to var/bench/soak-<db>.json. `run()` is also the short drill of `make test`
(huying/common/tests/test_soak.py: SQLite, a web worker killed, no PostgreSQL restart).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "var" / "bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "huying_soak"
REDIS = "redis://127.0.0.1:6379/15"
PG_RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
USER = "zhihui1"  # the demo county's command centre: may file reports for the county
PREFIX = "SOAK-"
MATTER = "M002"  # 路灯不亮: registered at once, so that its clocks run and can breach
REQUEST_TIMEOUT = 15.0  # a request that hangs longer is a failure of the drill
BOOT_TIMEOUT = 120.0

_started = time.monotonic()


def say(text: str) -> None:
    print(f"  [{time.monotonic() - _started:6.1f}s] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Node:
    """One `huying serve` and the environment its commands run in."""

    env: dict[str, str]
    port: int
    log: Path
    serve: subprocess.Popen | None = None
    starts: int = 0

    def huying(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run([sys.executable, "-m", "huying.cli", *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"huying {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def python(self, code: str) -> dict:
        """Run `code` in Django (it prints one JSON line last) and answer what it printed."""
        return json.loads(self.huying("shell", "-c", code).strip().splitlines()[-1])

    def start(self) -> float:
        """Start serve and wait until it answers; the seconds that took."""
        began = time.monotonic()
        out = self.log.open("a")
        self.serve = subprocess.Popen(
            [sys.executable, "-m", "huying.cli", "serve", "--allow-sqlite",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "4",
             "--consumers", "1", "--huey-workers", "2", "--graceful-timeout", "5"],
            env=self.env, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.starts += 1
        while time.monotonic() - began < BOOT_TIMEOUT:
            if self.serve.poll() is not None:
                raise RuntimeError(f"serve exited with {self.serve.returncode}: see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return time.monotonic() - began
            except OSError:
                pass
            time.sleep(0.2)  # gunicorn is still booting: poll again, bounded above
        raise RuntimeError(f"serve did not answer within {BOOT_TIMEOUT:.0f} s")

    def stop(self) -> None:
        if self.serve is None or self.serve.poll() is not None:
            return
        self.serve.send_signal(signal.SIGTERM)
        try:
            self.serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.serve.kill()
            self.serve.wait(timeout=30)

    def children(self, pid: int) -> list[int]:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # it exited meanwhile
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
        return sorted(found)

    def process(self, name: str) -> int:
        """The pid of serve's child `name` ("gunicorn" or "run_huey")."""
        for pid in self.children(self.serve.pid):
            try:
                if name in Path(f"/proc/{pid}/cmdline").read_bytes().decode():
                    return pid
            except OSError:
                continue
        raise RuntimeError(f"no {name} under serve")


@dataclass
class Load:
    """The clients' shared tally."""

    node: Node
    token: str
    county: str
    point: tuple[float, float]
    deadline: float  # no new report after this
    give_up: float  # no retry after this
    accepted: dict[str, int] = field(default_factory=dict)  # external id → 201/200
    failed: list[str] = field(default_factory=list)  # ids never accepted
    errors: Counter = field(default_factory=Counter)
    non_json_5xx: int = 0
    requests: int = 0
    slowest: float = 0.0
    last_ok: float = 0.0
    ok_times: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self, external_id: str, n: int) -> bytes:
        lon, lat = self.point
        return json.dumps({
            "county": self.county, "external_id": external_id,
            "title": f"演练工单 {external_id}", "description": f"故障演练第 {n} 件：路灯不亮。",
            "longitude": lon, "latitude": lat, "matter": MATTER, "reporter_name": "演练",
            "reporter_phone": "13800000000"}).encode()

    def post(self, payload: bytes) -> tuple[int | None, str]:
        """One attempt: (status, kind of error or "")."""
        began = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.node.port,
                                                timeout=REQUEST_TIMEOUT)
        try:
            connection.request("POST", "/api/v1/intake/12345", body=payload, headers={
                "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
        except ConnectionRefusedError:
            return None, "refused"
        except TimeoutError:
            return None, "timeout"
        except (ConnectionError, http.client.HTTPException) as exc:
            return None, type(exc).__name__
        finally:
            connection.close()
            with self.lock:
                self.requests += 1
                self.slowest = max(self.slowest, time.monotonic() - began)
        if response.status >= 500:
            try:
                message = json.loads(data)["message"]
                chinese = any("\u4e00" <= ch <= "\u9fff" for ch in message)
            except (ValueError, KeyError, TypeError):
                chinese = False
            if not chinese:
                with self.lock:
                    self.non_json_5xx += 1
            return response.status, f"http_{response.status}"
        return response.status, "" if response.status in (200, 201) else \
            f"http_{response.status}"

    def client(self, number: int) -> None:
        n = 0
        while time.monotonic() < self.deadline:
            n += 1
            external_id = f"{PREFIX}{number}-{n}"
            payload = self.body(external_id, n)
            while True:
                status, error = self.post(payload)
                if not error:
                    now = time.monotonic()
                    with self.lock:
                        self.accepted[external_id] = status
                        self.last_ok = now
                        self.ok_times.append(now)
                    break
                with self.lock:
                    self.errors[error] += 1
                if (status is not None and status < 500) or time.monotonic() > self.give_up:
                    with self.lock:
                        self.failed.append(external_id)
                    break
                time.sleep(0.2)  # the same report again shortly, as a source system would

    def first_ok_after(self, instant: float) -> float | None:
        with self.lock:
            later = [t for t in self.ok_times if t > instant]
        return min(later) - instant if later else None


def prepare(db: str, partitioned: bool | None = None) -> Node:
    var = Path(tempfile.mkdtemp(prefix="huying-soak-"))
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE"}}
    env |= {"HUYING_VAR_DIR": str(var), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "huying.settings"}
    if db == "pg":
        import psycopg
        import redis

        with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5) as pg:
            pg.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            pg.execute(f"CREATE DATABASE {DATABASE}")
        redis.Redis.from_url(REDIS).flushdb()
        env |= {"DATABASE_URL": f"{SERVER}/{DATABASE}", "REDIS_URL": REDIS}
    else:
        env["DATABASE_URL"] = f"sqlite:///{var / 'soak.sqlite3'}"
    node = Node(env=env, port=free_port(), log=var / "serve.log")
    say(f"var {var}; migrate, demo seed --small, demo simulate --weeks 1 --per-day 20")
    node.huying("migrate", "--noinput", "-v", "0")
    # The case record in monthly partitions (pg_partman), by default wherever it can be.
    if db == "pg" and partitioned is not False and (
            partitioned or node.python(PARTMAN)["available"]):
        say(node.huying("partition", "setup").strip().splitlines()[-1])
    node.huying("demo", "seed", "--small")
    # A week of dispatched cases: open SLA clocks that the sweep, 60 days on, breaches.
    node.huying("demo", "simulate", "--weeks", "1", "--per-day", "20")
    return node


PARTMAN = """
import json
from huying.cases.partitioning import PartitioningUnavailable, partitioning_check
try:
    partitioning_check()
    print(json.dumps({"available": True}))
except PartitioningUnavailable:
    print(json.dumps({"available": False}))
"""

SETUP = """
import json
from huying.org.models import OrgUnit
county = OrgUnit.objects.get(level="county")
grid = OrgUnit.objects.filter(level="grid").exclude(geometry=None).order_by("code").first()
ring = grid.geometry["coordinates"][0]
print(json.dumps({"county": county.code, "point": [(ring[0][0] + ring[2][0]) / 2,
                                                   (ring[0][1] + ring[2][1]) / 2]}))
"""

COUNT = f"""
import json
PREFIX = {PREFIX!r}
from django.db.models import Count
from huying.assessment.models import Deduction
from huying.cases.models import Case, IntakeRecord
from huying.supervision.models import SlaClock
cases = list(Case.objects.filter(external_ref__startswith=PREFIX)
             .values_list("external_ref", flat=True))
records = list(IntakeRecord.objects.filter(external_id__startswith=PREFIX)
               .values_list("external_id", flat=True))
twice = (Deduction.objects.filter(status="active").values("case", "department", "rule")
         .annotate(n=Count("id")).filter(n__gt=1).count())
clocks = SlaClock.objects.count()
print(json.dumps({{"cases": cases, "records": records, "clocks": clocks,
                  "deductions": Deduction.objects.count(), "deduction_twice": twice}}))
"""


def drill(node: Node, *, token: str, county: str, point: tuple[float, float],
          seconds: float, clients: int, faults: tuple[str, ...]) -> tuple[dict, Load]:
    """Serve, load and faults; answers the summary so far and the clients' tally."""
    boot = node.start()
    say(f"serve answers on 127.0.0.1:{node.port} after {boot:.1f} s")
    began = time.monotonic()
    load = Load(node=node, token=token, county=county, point=point,
                deadline=began + seconds, give_up=began + seconds + 90)
    threads = [threading.Thread(target=load.client, args=(n,), daemon=True)
               for n in range(1, clients + 1)]
    for thread in threads:
        thread.start()
    events: dict[str, float] = {}
    summary: dict = {"seconds": seconds, "clients": clients, "faults": {}}
    try:
        for index, fault in enumerate(faults, start=1):
            time.sleep(max(0.0, began + seconds * index / (len(faults) + 1) - time.monotonic()))
            at = time.monotonic()
            events[fault] = at
            if fault == "web":
                worker = node.children(node.process("gunicorn"))[0]
                os.kill(worker, signal.SIGKILL)
                say(f"kill -9 gunicorn worker {worker}")
            elif fault == "consumer":
                consumer = node.process("run_huey")
                os.kill(consumer, signal.SIGKILL)
                say(f"kill -9 huey consumer {consumer}; serve stops the rest and exits")
                node.serve.wait(timeout=60)
                say(f"serve exited with {node.serve.returncode}; starting it again")
                summary["faults"]["serve_exit_code"] = node.serve.returncode
                summary["faults"]["serve_restart_seconds"] = round(node.start(), 1)
            elif fault == "pg":
                subprocess.run(PG_RESTART, check=True, timeout=120)
                summary["faults"]["pg_restart_command_seconds"] = round(
                    time.monotonic() - at, 1)
                # Recovery counts from the moment PostgreSQL is back, not from the stop.
                events[fault] = time.monotonic()
                say("PostgreSQL restarted")
            else:
                raise ValueError(fault)
        for thread in threads:
            thread.join(timeout=max(1.0, load.give_up + 2 * REQUEST_TIMEOUT - time.monotonic()))
        assert not any(t.is_alive() for t in threads), "a client hangs"
    finally:
        for fault, at in events.items():
            recovered = load.first_ok_after(at)
            summary["faults"][f"{fault}_first_success_after_seconds"] = (
                None if recovered is None else round(recovered, 1))
        node.stop()
    summary |= {
        "requests": load.requests, "accepted": len(load.accepted),
        "created_201": sum(1 for s in load.accepted.values() if s == 201),
        "retried_200": sum(1 for s in load.accepted.values() if s == 200),
        "never_accepted": len(load.failed), "errors": dict(load.errors),
        "5xx_without_chinese_json": load.non_json_5xx,
        "slowest_request_seconds": round(load.slowest, 2), "serve_starts": node.starts}
    return summary, load


def tally(summary: dict, load: Load, cases: list[str], records: list[str]) -> dict:
    """The drill's summary with what the database holds: `cases` and `records` are the
    external ids of the drill's cases and intake records."""
    cases_n, records_n = Counter(cases), Counter(records)
    accepted = set(load.accepted)
    return summary | {
        "lost": len(accepted - set(cases_n)),
        "duplicated": sum(1 for n in cases_n.values() if n > 1),
        "cases": sum(cases_n.values()), "intake_records": sum(records_n.values()),
        "distinct_records": len(records_n),
        "unaccepted_but_recorded": len(set(cases_n) - accepted)}


def run(*, seconds: float = 60, db: str = "pg", clients: int = 4,
        partitioned: bool | None = None) -> dict:
    """`make soak`: a fresh node, the drill with every fault, the database checked."""
    node = prepare(db, partitioned)
    token = node.huying("token", "issue", USER, "--name", "soak").strip().splitlines()[-1]
    where = node.python(SETUP)
    faults = ("web", "consumer", "pg") if db == "pg" else ("web", "consumer")
    summary, load = drill(node, token=token, county=where["county"],
                          point=tuple(where["point"]), seconds=seconds, clients=clients,
                          faults=faults)
    found = node.python(COUNT)
    later = node.python("import json, datetime; from django.utils import timezone; "
                        "print(json.dumps({'now': (timezone.now() + datetime.timedelta(days=60))"
                        ".isoformat()}))")["now"]
    say("sweep as of 60 days later, twice")
    node.huying("sweep", "--now", later)
    first = node.python(COUNT)
    node.huying("sweep", "--now", later)
    second = node.python(COUNT)
    summary = tally({"db": db} | summary, load, found["cases"], found["records"])
    summary["sweep"] = {"as_of": "+60 days", "clocks": found["clocks"],
                        "deductions_after_first": first["deductions"],
                        "added_by_second": second["deductions"] - first["deductions"],
                        "case_rule_twice": second["deduction_twice"]}
    return summary


def check(summary: dict) -> list[str]:
    """What the drill found wrong; empty when nothing."""
    problems = []
    if summary["lost"] or summary["duplicated"]:
        problems.append(f"{summary['lost']} lost, {summary['duplicated']} duplicated")
    if summary["intake_records"] != summary["distinct_records"] or \
            summary["distinct_records"] != summary["cases"]:
        problems.append("intake records and cases differ")
    if summary["never_accepted"]:
        problems.append(f"{summary['never_accepted']} reports never accepted")
    if summary["5xx_without_chinese_json"]:
        problems.append(f"{summary['5xx_without_chinese_json']} 5xx without a Chinese message")
    sweep = summary.get("sweep", {})
    if sweep.get("added_by_second") or sweep.get("case_rule_twice"):
        problems.append("a deduction applied twice")
    return problems


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench soak")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--db", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--partitioned", action=argparse.BooleanOptionalAction, default=None,
                        help="huying partition setup after migrate (default: on PostgreSQL"
                             " when pg_partman is installed)")
    options = parser.parse_args(argv)
    summary = run(seconds=options.seconds, db=options.db, clients=options.clients,
                  partitioned=options.partitioned)
    problems = check(summary)
    summary["problems"] = problems
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"soak-{options.db}.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    if problems:
        print("FAILED: " + "; ".join(problems), file=sys.stderr)
        sys.exit(1)
