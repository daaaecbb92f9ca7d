"""Fault drill (`make soak`, issue 16 item 6): `huying serve` under a load of intake POSTs
while its processes are killed, PostgreSQL is restarted and the source system's webhook
receiver is down; afterwards every report a client saw accepted is exactly one case, its
status update reached the receiver once, and a sweep killed mid-pass did its work once.

1. A node of its own: a fresh var dir; on `--db pg` the database `huying_soak` (dropped and
   created) and huey on Redis 127.0.0.1:6379 db 15 (flushed), on `--db sqlite` a SQLite file
   and SQLite huey. Migrated, `demo seed --small`, a simulated week, a token for the county
   supervisor. A receiver (`Receiver`: http.server in a thread on a free loopback port,
   checking each signature) is made the 12345 channel's `outbound_url`, with its secret,
   through the channel's admin form.
2. `huying serve` (2 web workers, 1 consumer) on a free loopback port.
3. CLIENTS threads POST `/api/v1/intake/12345`, each report with an external id of its own;
   a connection error, a timeout or a 5xx is retried with the SAME external id and payload,
   as a source system would, until a 200/201 or the drill's deadline.
4. During the load: the receiver answers 503, then stops listening, from 10 % to 40 % of the
   load, then listens again; kill -9 of one gunicorn worker (gunicorn boots another); kill
   -9 of the huey consumer (serve sees a child die, stops the rest and exits 1; the drill
   starts serve again, as systemd's Restart=on-failure does); on `--db pg` a restart of
   PostgreSQL (`--no-pg-restart` leaves it alone). After the load serve keeps running until
   every update is sent or `--webhook-wait` seconds passed: the product retries a minute
   after the first failure, from its once-a-minute pass, and a claim dead with its consumer
   after its two-minute lease.
5. Checks: each id answered 200/201 is one case and one intake record, none other exists.
   Each accepted report was told `registered` (one `SourceUpdate`), and the receiver took
   every update's `X-Huying-Delivery` id, none missing, none foreign, no status under two
   ids, each signature good; an id taken twice is counted and allowed only when its first
   answer came while the consumer was killed or the database down (answered but not
   recorded as sent: at least once by design, the receiver deduplicates on the id).
6. The sweep as of 60 days ahead (the simulated week's clocks breach): first one pass never
   interrupted, rolled back (`sweep_uninterrupted`), as the reference; then `huying sweep`
   in a process of its own, killed with -9 once `--sweep-kill-at` (40 %) of the due levels
   fired (the clocks' stages summed, polled in the database), run again, and a third time.
   Every due level fired once (its case event), no deduction of a rule twice on a case, no
   keyed notice twice, the third pass fires nothing, and levels, deductions, ladder steps,
   interviews, slips and notices are those of the uninterrupted pass. (The drill's own
   reports are registered, not dispatched: they have no clocks.)

`python -m bench soak [--seconds 60] [--db pg|sqlite] [--clients 4] [--no-pg-restart]
[--webhook-wait 300] [--sweep-kill-at 0.4]`; the summary is printed and written to
var/bench/soak-<db>.json. `drill()` and `sweep_killed()` are also the short drills of the
test suite (tests/test_soak.py: SQLite, a web worker killed mid-load; the sweep killed
mid-pass; no PostgreSQL restart).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
SEND_TIMEOUT = 5.0  # huying.notifications.webhooks.TIMEOUT_SECONDS
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


class Receiver:
    """The source system's status endpoint (回复来源系统) on a loopback port: it checks each
    POST's signature as a receiver would and keeps, per `X-Huying-Delivery`, how many times
    it answered 2xx. `mode` takes it down: "503" answers 503, "closed" stops listening
    (connection refused), "up" takes the deliveries again on the same port."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.port = free_port()
        self.mode = "up"
        self.lock = threading.Lock()
        self.taken: Counter = Counter()  # delivery id → times answered 2xx
        self.items: dict[int, dict] = {}  # delivery id → the item last taken
        self.answered_503 = 0
        self.bad = 0  # a bad signature or an item whose id is not its delivery's
        self.last_taken = 0.0  # monotonic time of the last delivery taken
        self.first_taken: dict[int, float] = {}  # delivery id → when first taken
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/huying/updates"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.mode != "up":
                    with receiver.lock:
                        receiver.answered_503 += 1
                    self.send_response(503)
                    self.end_headers()
                    return
                timestamp = self.headers.get("X-Huying-Timestamp", "")
                expected = "sha256=" + hmac.new(receiver.secret.encode(),
                                                timestamp.encode() + b"." + body,
                                                hashlib.sha256).hexdigest()
                delivery = int(self.headers.get("X-Huying-Delivery") or 0)
                item = json.loads(body)
                with receiver.lock:
                    if not hmac.compare_digest(expected,
                                               self.headers.get("X-Huying-Signature", "")) \
                            or item.get("id") != delivery:
                        receiver.bad += 1
                    receiver.taken[delivery] += 1
                    receiver.first_taken.setdefault(delivery, time.monotonic())
                    receiver.items[delivery] = item
                    receiver.last_taken = time.monotonic()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def listen(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.mode = "up"

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def outage(self, *, start: float, stop: float, log: dict) -> None:
        """Down from `start` to `stop` (monotonic): 503 for the first half, then not
        listening at all; back afterwards. Run in a thread of its own."""
        middle = (start + stop) / 2
        time.sleep(max(0.0, start - time.monotonic()))
        self.mode = "503"
        log["down_at"] = time.monotonic()
        say("webhook receiver answers 503")
        time.sleep(max(0.0, middle - time.monotonic()))
        self.close()
        say("webhook receiver stops listening")
        time.sleep(max(0.0, stop - time.monotonic()))
        self.listen()
        log["up_at"] = time.monotonic()
        say("webhook receiver back")


class Probe:
    """Reads the drill's database from the drill's own process (which has no Django): one
    connection in autocommit, so every read sees what has committed since."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.connection = None

    def scalar(self, sql: str) -> int:
        if self.connection is None:
            if self.url.startswith("sqlite:///"):
                self.connection = sqlite3.connect(self.url.removeprefix("sqlite:///"),
                                                  timeout=30, isolation_level=None)
            else:
                import psycopg

                self.connection = psycopg.connect(self.url, connect_timeout=5,
                                                  autocommit=True)
        try:
            return int(self.connection.execute(sql).fetchone()[0] or 0)
        except Exception:
            self.close()  # e.g. the server restarted: the next read connects again
            raise

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


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


@dataclass
class Webhook:
    """The receiver's part of the drill: down over `outage` (fractions of the load's
    seconds), then serve keeps running after the load until `delivered()` says every
    update was sent, at most `wait` seconds (the product's backoff: a minute after the
    first failure, the periodic pass once a minute)."""

    receiver: Receiver
    delivered: Callable[[], bool]
    outage: tuple[float, float] = (0.1, 0.4)
    wait: float = 300.0
    # (from, to) monotonic: a send whose answer came in such a stretch may not have been
    # recorded as sent (the consumer was killed, the database was down), so the row is
    # sent again under the same id once its claim's lease runs out — at least once, by
    # design; the receiver deduplicates on X-Huying-Delivery.
    unrecordable: list[tuple[float, float]] = field(default_factory=list)


def drill(node: Node, *, token: str, county: str, point: tuple[float, float],
          seconds: float, clients: int, faults: tuple[str, ...],
          webhook: Webhook | None = None) -> tuple[dict, Load]:
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
    outage: dict[str, float] = {}
    if webhook is not None:
        down, up = webhook.outage
        threads.append(threading.Thread(target=webhook.receiver.outage, daemon=True, kwargs={
            "start": began + seconds * down, "stop": began + seconds * up, "log": outage}))
        threads[-1].start()
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
                if webhook is not None:  # a send in flight may be answered, not recorded
                    webhook.unrecordable.append((at - SEND_TIMEOUT, time.monotonic() + 1.0))
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
                if webhook is not None:
                    webhook.unrecordable.append((at - SEND_TIMEOUT, events[fault]))
                say("PostgreSQL restarted")
            else:
                raise ValueError(fault)
        for thread in threads:
            thread.join(timeout=max(1.0, load.give_up + 2 * REQUEST_TIMEOUT - time.monotonic()))
        assert not any(t.is_alive() for t in threads), "a client hangs"
        if webhook is not None:
            summary["webhook"] = webhook_wait(webhook, outage)
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


def webhook_wait(webhook: Webhook, outage: dict[str, float]) -> dict:
    """Serve keeps running until every update is delivered or `wait` seconds passed; how
    long the outage was and how long after it the last delivery came."""
    waited_from = time.monotonic()
    say(f"load over; waiting up to {webhook.wait:.0f} s for the webhook's retries")
    done = False
    while time.monotonic() - waited_from < webhook.wait:
        try:
            done = webhook.delivered()
        except Exception as exc:  # the database may be restarting: ask again
            say(f"delivery probe failed: {type(exc).__name__}")
        if done:
            break
        time.sleep(1.0)  # retries come once a minute: polling faster gains nothing
    receiver = webhook.receiver
    say(f"webhook {'all delivered' if done else 'NOT all delivered'} after "
        f"{time.monotonic() - waited_from:.0f} s of waiting")
    return {"outage_seconds": round(outage["up_at"] - outage["down_at"], 1),
            "answered_503": receiver.answered_503, "all_sent": done,
            "waited_after_load_seconds": round(time.monotonic() - waited_from, 1),
            "last_delivery_after_back_seconds": round(receiver.last_taken - outage["up_at"], 1)}


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


# ---------------------------------------------------------------------------------------
# the sweep killed mid-pass

STAGE_SUM = "SELECT SUM(stage) FROM supervision_slaclock"  # one more per level fired


def sweep_plan(as_of: str) -> dict[str, list[int]]:
    """Run in Django, before the sweep: each running clock with levels due as of `as_of`,
    clock id → [stage now, stage the sweep must bring it to]."""
    from huying.supervision.models import ClockState, SlaClock
    from huying.supervision.sla import stage_reached
    from huying.workdays.inputs import parse_instant

    now = parse_instant(as_of)
    plan = {}
    for clock in SlaClock.objects.filter(state=ClockState.RUNNING):
        target = stage_reached(clock, now)
        if target > clock.stage:
            plan[str(clock.pk)] = [clock.stage, target]
    return plan


def _digest(rows: list) -> str:
    text = json.dumps(sorted(rows), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sweep_outcome(as_of: str, plan: dict[str, list[int]]) -> dict:
    """Run in Django, after the sweep: what it did as of `as_of`, counted and fingerprinted
    so that two databases (the pass killed and resumed, and one never interrupted) can be
    compared. A level is its case event (`sla_warning_half`, `sla_warning_75`,
    `sla_breach`, written in the transaction that claims it)."""
    from django.db.models import Count

    from huying.assessment.models import Deduction
    from huying.cases.models import CaseEvent
    from huying.notifications.models import Notification
    from huying.supervision.effects import LEVEL_ACTION
    from huying.supervision.models import Interview, LadderStep, SlaClock, Slip
    from huying.workdays.inputs import parse_instant

    now = parse_instant(as_of)
    events = Counter(
        (e.payload.get("assignment"), e.payload.get("metric"), e.action)
        for e in CaseEvent.objects.filter(at=now, action__in=list(LEVEL_ACTION.values())))
    stages = dict(SlaClock.objects.filter(pk__in=[int(pk) for pk in plan])
                  .values_list("pk", "stage"))
    short = sum(1 for pk, (_, target) in plan.items() if stages.get(int(pk)) != target)
    deductions = list(Deduction.objects.values_list("source_key", "points", "status"))
    twice = (Deduction.objects.filter(status="active").values("case", "department", "rule")
             .annotate(n=Count("id")).filter(n__gt=1).count())
    # A notice's fact is its deduplication key. The keys that name a row the sweep made
    # (a ladder step, an interview, a slip) differ between two databases (PostgreSQL's
    # sequences are not rolled back), so that row is named by its own source key instead.
    made = {"ladder": dict(LadderStep.objects.values_list("pk", "source_key")),
            "interview": dict(Interview.objects.values_list("pk", "source_key")),
            "slip": dict(Slip.objects.values_list("pk", "source_key"))}

    def fact(key: str | None) -> str | None:
        kind, _, rest = (key or "").partition(":")
        pk, _, tail = rest.partition(":")
        if kind in made and pk.isdigit():
            return f"{kind}:{made[kind].get(int(pk))}:{tail}"
        return key

    notices = Counter(
        (n.user_id, n.kind, n.case_id, json.dumps(n.title.data, sort_keys=True),
         fact(n.dedupe_key))
        for n in Notification.objects.filter(created_at=now))
    ladder = list(LadderStep.objects.values_list("source_key", "rung", "points"))
    interviews = list(Interview.objects.values_list("source_key", flat=True))
    slips = list(Slip.objects.values_list("source_key", flat=True))
    return {
        "levels_due": sum(target - stage for stage, target in plan.values()),
        "levels_fired": sum(events.values()),
        "levels_twice": sum(1 for n in events.values() if n > 1),
        "clocks_short_of_their_level": short,
        "deductions": len(deductions), "deduction_case_rule_twice": twice,
        "notifications": sum(notices.values()),
        "notifications_twice": sum(1 for (*_, key), n in notices.items() if key and n > 1),
        "ladder_steps": len(ladder), "interviews": len(interviews), "slips": len(slips),
        "fingerprint": {"levels": _digest(list(events)), "deductions": _digest(deductions),
                        "notifications": _digest(list(notices.items())),
                        "ladder": _digest(ladder), "interviews": _digest(interviews),
                        "slips": _digest(slips)}}


class _Undo(Exception):
    pass


def sweep_uninterrupted(as_of: str, plan: dict[str, list[int]]) -> dict:
    """Run in Django, before the killed pass: one pass never interrupted, its outcome, all
    rolled back — the reference the killed and resumed pass must agree with."""
    from django.db import transaction

    from huying.supervision.sweep import sweep_run
    from huying.workdays.inputs import parse_instant

    outcome: dict = {}
    try:
        with transaction.atomic():
            began = time.monotonic()
            sweep_run(now=parse_instant(as_of))
            outcome = sweep_outcome(as_of, plan) | {"seconds": time.monotonic() - began}
            raise _Undo
    except _Undo:
        pass
    return outcome


def sweep_compare(resumed: dict, uninterrupted: dict) -> list[str]:
    """The parts of the outcome (levels, deductions …) in which two passes differ."""
    return sorted(k for k, v in resumed["fingerprint"].items()
                  if uninterrupted["fingerprint"][k] != v)


def sweep_killed(env: dict[str, str], *, as_of: str, fired: Callable[[], int],
                 kill_after: int) -> dict:
    """`huying sweep --now as_of` in a process of its own, killed with -9 as soon as
    `fired()` (levels fired so far, read from the database) has grown by `kill_after`;
    then run again to the end, and a third time (which must fire nothing)."""
    def sweep() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "huying.cli", "sweep", "--now", as_of],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)

    def finish(process: subprocess.Popen) -> None:
        _, err = process.communicate(timeout=1800)
        if process.returncode:
            raise RuntimeError(f"huying sweep exited with {process.returncode}: {err[-2000:]}")

    before = fired()
    began = time.monotonic()
    process = sweep()
    while process.poll() is None and fired() - before < kill_after:
        time.sleep(0.005)
    if process.poll() is not None:
        raise RuntimeError(f"the sweep ended (exit {process.returncode}) before {kill_after} "
                           "levels fired: give it a larger backlog or kill it earlier")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    killed_at = time.monotonic() - began
    at_kill = fired() - before
    say(f"kill -9 sweep {process.pid} after {killed_at:.1f} s, {at_kill} levels fired")
    began = time.monotonic()
    finish(sweep())
    resumed_seconds = time.monotonic() - began
    after_resume = fired() - before
    finish(sweep())
    return {"kill_after_levels": kill_after, "killed_after_seconds": round(killed_at, 1),
            "levels_before_kill": at_kill, "levels_by_resumed_pass": after_resume - at_kill,
            "resumed_pass_seconds": round(resumed_seconds, 1),
            "levels_by_third_pass": fired() - before - after_resume}


SECRET = "soak-shared-secret-of-12345"  # the channel's outbound signing secret

# The channel's answer-back settings saved through its admin form, as an administrator
# would in 管理后台 → 渠道 (validation, save and the admin's change log alike).
ANSWER_BACK = """
import json
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory
from huying.cases.models import Channel
from huying.org.models import User
channel = Channel.objects.get(code="12345")
model_admin = admin.site._registry[Channel]
request = RequestFactory().post(f"/admin/cases/channel/{{channel.pk}}/change/")
request.user = User.objects.filter(is_superuser=True).order_by("pk").first()
form = model_admin.get_form(request, channel, change=True)(instance=channel, data={{
    **model_to_dict(channel), "must_answer_back": True, "outbound_url": {url!r},
    "outbound_secret": {secret!r}}})
if not form.is_valid():
    raise SystemExit(form.errors.as_json())
channel = model_admin.save_form(request, form, change=True)
model_admin.save_model(request, channel, form, change=True)
model_admin.log_change(request, channel, model_admin.construct_change_message(request, form, None))
print(json.dumps({{"url": channel.outbound_url}}))
"""

UPDATES = f"""
import json
from huying.notifications.models import SourceUpdate
rows = SourceUpdate.objects.filter(external_id__startswith={PREFIX!r}, channel__code="12345")
print(json.dumps([[u.pk, u.external_id, u.case_status, u.status, u.attempts]
                  for u in rows.order_by("pk")]))
"""
# What each report of the drill must be told: it is registered at once (M002), nothing else.
EXPECTED_STATUSES = ["registered"]
UNSENT = (f"SELECT COUNT(*) FROM notifications_sourceupdate "
          f"WHERE external_id LIKE '{PREFIX}%' AND status <> 'sent'")


def webhook_tally(webhook: Webhook, load: Load, rows: list[list]) -> dict:
    """Each accepted report's updates, as the database holds them, against what the
    receiver took: each delivery id at least once, none missing, none foreign; no status
    told twice under two ids; an id taken again only if its first answer came while a
    fault could keep it from being recorded (`Webhook.unrecordable`)."""
    receiver = webhook.receiver
    expected = {pk: (external_id, status) for pk, external_id, status, _, _ in rows}
    told: dict[str, list[str]] = {}
    for external_id, status in expected.values():
        told.setdefault(external_id, []).append(status)
    logical = Counter((item.get("external_id"), item.get("record_hash"))
                      for item in receiver.items.values())
    return {
        "updates": len(expected),
        "reports_told_other_than_expected": sum(
            1 for external_id in load.accepted if told.get(external_id) != EXPECTED_STATUSES),
        "delivered": sum(1 for pk in expected if receiver.taken[pk]),
        "missing": sum(1 for pk in expected if not receiver.taken[pk]),
        "same_id_again": sum(1 for pk in expected if receiver.taken[pk] > 1),
        "same_id_again_unexplained": sum(
            1 for pk in expected if receiver.taken[pk] > 1 and not any(
                a <= receiver.first_taken[pk] <= b for a, b in webhook.unrecordable)),
        "foreign": sum(1 for pk, item in receiver.items.items() if pk not in expected
                       and str(item.get("external_id", "")).startswith(PREFIX)),
        "same_status_under_two_ids": sum(1 for n in logical.values() if n > 1),
        "bad_signature": receiver.bad,
        "retried": sum(1 for *_, attempts in rows if attempts > 1),
        "most_attempts": max((attempts for *_, attempts in rows), default=0),
        "not_sent": sum(1 for *_, status, _ in rows if status != "sent")}


def sweep_drill(node: Node, *, as_of: str, kill_at: float) -> dict:
    """The sweep killed with -9 once `kill_at` of the due levels fired, resumed, run a
    third time; compared with an uninterrupted pass over the same database (rolled back
    before the killed one starts)."""
    plan = node.python(f"import json; from bench.soak import sweep_plan; "
                       f"print(json.dumps(sweep_plan({as_of!r})))")
    due = sum(target - stage for stage, target in plan.values())
    uninterrupted = node.python(f"import json; from bench.soak import sweep_uninterrupted; "
                                f"print(json.dumps(sweep_uninterrupted({as_of!r}, "
                                f"{json.dumps(plan)})))")
    probe = Probe(node.env["DATABASE_URL"])
    try:
        say(f"sweep of {len(plan)} clocks, {due} levels due; kill -9 after {kill_at:.0%}")
        result = sweep_killed(node.env, as_of=as_of, fired=lambda: probe.scalar(STAGE_SUM),
                              kill_after=max(1, int(due * kill_at)))
    finally:
        probe.close()
    outcome = f"import json; from bench.soak import sweep_outcome; " \
              f"print(json.dumps(sweep_outcome({as_of!r}, {json.dumps(plan)})))"
    resumed = node.python(outcome)
    return {"as_of": "+60 days", "clocks_due": len(plan), **result,
            **{k: v for k, v in resumed.items() if k != "fingerprint"},
            "uninterrupted_pass_seconds": round(uninterrupted["seconds"], 1),
            "differs_from_uninterrupted": sweep_compare(resumed, uninterrupted)}


def run(*, seconds: float = 60, db: str = "pg", clients: int = 4, pg_restart: bool = True,
        webhook_wait: float = 300, kill_at: float = 0.4,
        partitioned: bool | None = None) -> dict:
    """`make soak`: a fresh node, the drill with every fault, the database checked."""
    node = prepare(db, partitioned)
    token = node.huying("token", "issue", USER, "--name", "soak").strip().splitlines()[-1]
    where = node.python(SETUP)
    receiver = Receiver(SECRET)
    receiver.listen()
    node.python(ANSWER_BACK.format(url=receiver.url, secret=SECRET))
    probe = Probe(node.env["DATABASE_URL"])
    webhook = Webhook(receiver=receiver, wait=webhook_wait,
                      delivered=lambda: probe.scalar(UNSENT) == 0)
    faults = ("web", "consumer", "pg") if db == "pg" and pg_restart else ("web", "consumer")
    try:
        summary, load = drill(node, token=token, county=where["county"],
                              point=tuple(where["point"]), seconds=seconds, clients=clients,
                              faults=faults, webhook=webhook)
    finally:
        probe.close()
        receiver.close()
    found = node.python(COUNT)
    summary = tally({"db": db} | summary, load, found["cases"], found["records"])
    summary["webhook"] |= webhook_tally(webhook, load, node.python(UPDATES))
    later = node.python("import json, datetime; from django.utils import timezone; "
                        "print(json.dumps({'now': (timezone.now() + datetime.timedelta(days=60))"
                        ".isoformat()}))")["now"]
    summary["sweep"] = sweep_drill(node, as_of=later, kill_at=kill_at)
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
    webhook = summary.get("webhook")
    if webhook is not None:
        problems.extend(webhook_problems(webhook))
    sweep = summary.get("sweep")
    if sweep is not None:
        problems.extend(sweep_problems(sweep))
    return problems


def webhook_problems(webhook: dict) -> list[str]:
    problems = []
    if webhook["missing"] or webhook["not_sent"] or not webhook["all_sent"]:
        problems.append(f"webhook: {webhook['missing']} updates never delivered, "
                        f"{webhook['not_sent']} not sent")
    if webhook["same_id_again_unexplained"] or webhook["same_status_under_two_ids"] or \
            webhook["foreign"]:
        problems.append("webhook: an update delivered twice")
    if webhook["reports_told_other_than_expected"]:
        problems.append(f"webhook: {webhook['reports_told_other_than_expected']} reports "
                        f"not told exactly {EXPECTED_STATUSES}")
    if webhook["bad_signature"]:
        problems.append(f"webhook: {webhook['bad_signature']} deliveries badly signed")
    return problems


def sweep_problems(sweep: dict) -> list[str]:
    problems = []
    if sweep["levels_fired"] != sweep["levels_due"] or sweep["clocks_short_of_their_level"]:
        problems.append(f"sweep: {sweep['levels_fired']} of {sweep['levels_due']} due levels "
                        "fired")
    if sweep["levels_twice"] or sweep["levels_by_third_pass"]:
        problems.append("sweep: a level fired twice")
    if sweep["deduction_case_rule_twice"]:
        problems.append("sweep: a deduction applied twice")
    if sweep["notifications_twice"]:
        problems.append("sweep: a notification sent twice")
    if sweep["differs_from_uninterrupted"]:
        problems.append("sweep: killed and resumed, it differs from an uninterrupted pass in "
                        + ", ".join(sweep["differs_from_uninterrupted"]))
    return problems


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench soak")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--db", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--no-pg-restart", dest="pg_restart", action="store_false",
                        help="on --db pg, leave PostgreSQL alone (it serves others too)")
    parser.add_argument("--webhook-wait", type=float, default=300,
                        help="seconds to wait after the load for the webhook's retries")
    parser.add_argument("--sweep-kill-at", type=float, default=0.4,
                        help="kill the sweep once this share of the due levels fired")
    parser.add_argument("--partitioned", action=argparse.BooleanOptionalAction, default=None,
                        help="huying partition setup after migrate (default: on PostgreSQL"
                             " when pg_partman is installed)")
    options = parser.parse_args(argv)
    summary = run(seconds=options.seconds, db=options.db, clients=options.clients,
                  pg_restart=options.pg_restart, webhook_wait=options.webhook_wait,
                  kill_at=options.sweep_kill_at, partitioned=options.partitioned)
    problems = check(summary)
    summary["problems"] = problems
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"soak-{options.db}.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    if problems:
        print("FAILED: " + "; ".join(problems), file=sys.stderr)
        sys.exit(1)
