"""The SLA sweep over a million open clocks, against a raw indexed SQL count.

Both look for the same thing — clocks whose next check is due — so the ratio tells whether
the sweep costs what the index costs (it should: the sweep must never scan all open clocks),
and how much each fired level adds on top (the claim UPDATE, the case event, the ladder).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.common import Check, arguments, record, setup_django, timed

TZ = ZoneInfo("Asia/Shanghai")
TARGET_MS_PER_LEVEL = 3.0
TARGET_IDLE_RATIO = 1.0
__all__ = ["setup_django", "timed"]  # the other benchmarks set up Django through here


def median_time(fn, repeat: int = 7) -> tuple[float, object]:
    """The median of a few runs: a single run of a few milliseconds is mostly noise."""
    runs = [timed(fn) for _ in range(repeat)]
    return statistics.median(t for t, _ in runs), runs[-1][1]


def run(*, rows: int, db: str = "sqlite", results=None) -> dict:
    setup_django(db)
    from django.db import connection, transaction

    from huying.cases import services as cs
    from huying.supervision.models import SlaClock
    from huying.supervision.sla import sla_sweep_due
    from tests.factories import build_world

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
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"sweep benchmark: {rows:,} open SLA clocks ({engine})")
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

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")

    def raw_count(at_: datetime) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE next_check_at IS NOT NULL "
                           "AND next_check_at <= %s AND state = 'running'", [at(at_)])
            return cursor.fetchone()[0]

    idle_at = now - timedelta(hours=1)  # nothing due yet
    ref_time, due_rows = median_time(lambda: raw_count(now))
    empty_time, _ = median_time(lambda: raw_count(idle_at))
    idle_time, idle = median_time(lambda: sla_sweep_due(now=idle_at))
    idle_ratio = idle_time / ref_time
    print(f"  reference: indexed COUNT of the due clocks = {due_rows:,} in "
          f"{ref_time * 1000:.2f} ms (median of 7; of none, an hour earlier: "
          f"{empty_time * 1000:.2f} ms)")
    print(f"  idle sweep (nothing due): {idle_time * 1000:.2f} ms, examined {idle.examined}"
          f"  → ratio {idle_ratio:.2f}× the indexed count ({idle_time / empty_time:.1f}× the "
          "count that finds none)")
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        busy_time, busy = timed(lambda: sla_sweep_due(now=now))
    per_level_ms = busy_time / max(busy.total, 1) * 1000
    per_level_queries = statements[0] / max(busy.total, 1)
    print(f"  sweep with {due_rows:,} due clocks: {busy_time:.2f}s, fired {busy.total:,} levels "
          f"{busy.fired}  → {per_level_ms:.2f} ms and {per_level_queries:.1f} queries per fired "
          f"level, ratio {busy_time / ref_time:,.0f}× the indexed count")
    again_time, again = timed(lambda: sla_sweep_due(now=now))
    print(f"  second sweep at the same instant: fired {again.total} (idempotent),"
          f" {again_time * 1000:.1f} ms, ratio {again_time / ref_time:.2f}× the indexed count")
    assert again.total == 0, "the second sweep fired again"
    figures = {"clocks": rows, "due": due_rows, "idle_ms": round(idle_time * 1000, 3),
               "empty_count_ms": round(empty_time * 1000, 3),
               "queries_per_level": round(per_level_queries, 1),
               "idle_ratio": round(idle_ratio, 3), "busy_s": round(busy_time, 3),
               "fired": busy.total, "fired_by_level": busy.fired,
               "ms_per_level": round(per_level_ms, 3), "count_ms": round(ref_time * 1000, 3),
               "second_sweep_ms": round(again_time * 1000, 3)}
    checks = [Check("sweep per fired level", per_level_ms, "≤", TARGET_MS_PER_LEVEL, " ms"),
              Check("idle sweep vs indexed count", idle_ratio, "≤", TARGET_IDLE_RATIO, "×")]
    record(bench="sweep", db=db, rows=rows, figures=figures, checks=checks,
           **({"results": results} if results else {}))
    return figures


def main(argv: list[str]) -> None:
    args = arguments("sweep", argv, 1_000_000)
    run(rows=args.rows, db=args.db, results=args.results)


if __name__ == "__main__":
    main(sys.argv[1:])
