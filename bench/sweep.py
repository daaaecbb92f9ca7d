"""The SLA sweep over a million open clocks, against a raw indexed SQL count.

Both look for the same thing — clocks whose next check is due — so the ratio tells whether
the sweep costs what the index costs (it should: the sweep must never scan all open clocks),
and how much each fired level adds on top (the claim UPDATE, the case event, the ladder).
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def setup_django() -> None:
    os.environ["HUYING_VAR_DIR"] = tempfile.mkdtemp(prefix="huying-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huying.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(*, rows: int) -> None:
    setup_django()
    from django.db import connection, transaction

    from huying.cases import services as cs
    from huying.common.tests.factories import build_world
    from huying.supervision.models import SlaClock
    from huying.supervision.sla import sla_sweep_due

    now = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    world = build_world(now)
    lon, lat = world.point_in(0)
    # A few real dispatched cases; the million clocks hang off their assignments in cycles.
    assignments = []
    for i in range(20):
        case = cs.case_report(actor=world.user("supervisor"), county=world.county,
                              channel="12345", external_ref=f"bench-{i}", title="路灯不亮",
                              description="bench", longitude=lon, latitude=lat, now=now)
        case = cs.case_register(case=case, actor=world.user("supervisor"), matter_code="M002",
                                now=now)
        assignments += cs.case_dispatch(case=case, actor=world.user("supervisor"),
                                        lead=world.dept("D05"), now=now)
    print(f"sweep benchmark: {rows:,} open SLA clocks (SQLite)")
    rng = random.Random(7)
    due_share = 0.001
    later = now + timedelta(days=30)
    table = SlaClock._meta.db_table
    columns = ("assignment_id", "case_id", "department_id", "cycle", "metric", "limit_amount",
               "limit_unit", "started_at", "due_at", "warn_half_at", "warn_three_quarters_at",
               "state", "stage", "paused_seconds", "extended_days", "next_check_at")
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
           f"({', '.join(['%s'] * len(columns))})")
    t0 = time.perf_counter()
    at = connection.ops.adapt_datetimefield_value  # the column's storage format
    with transaction.atomic(), connection.cursor() as cursor:
        batch = []
        for n in range(rows):
            a = assignments[n % len(assignments)]
            due = rng.random() < due_share
            check = now - timedelta(minutes=5) if due else later + timedelta(minutes=n % 997)
            batch.append((a.pk, a.case_id, a.department_id, 100 + n // 3, ("sign", "respond",
                          "complete")[n % 3], 5, "working_days", at(now - timedelta(days=10)),
                          at(check), at(check), at(check), "running", 2, 0, 0, at(check)))
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
    print(f"  inserted in {time.perf_counter() - t0:.1f}s")

    def raw_count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE next_check_at IS NOT NULL "
                           "AND next_check_at <= %s AND state = 'running'", [at(now)])
            return cursor.fetchone()[0]

    idle_at = now - timedelta(hours=1)  # nothing due yet
    ref_time, due_rows = timed(raw_count)
    idle_time, idle = timed(lambda: sla_sweep_due(now=idle_at))
    print(f"  reference: indexed COUNT of due clocks = {due_rows:,} in {ref_time * 1000:.1f} ms")
    print(f"  idle sweep (nothing due): {idle_time * 1000:.1f} ms, examined {idle.examined}"
          f"  → ratio {idle_time / ref_time:.2f}× the indexed count")
    busy_time, busy = timed(lambda: sla_sweep_due(now=now))
    print(f"  sweep with {due_rows:,} due clocks: {busy_time:.2f}s, fired {busy.total:,} levels"
          f"  → ratio {busy_time / ref_time:.1f}× the indexed count,"
          f" {busy_time / max(busy.total, 1) * 1000:.2f} ms per fired level")
    again_time, again = timed(lambda: sla_sweep_due(now=now))
    print(f"  second sweep at the same instant: fired {again.total} (idempotent),"
          f" ratio {again_time / ref_time:.2f}×")
