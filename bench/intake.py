"""Intake throughput: reports taken in through the service (`case_intake`, what the batch
import and every channel call) and through `POST /intake/{channel}`, against the raw
INSERTs of the same rows — the case, its first record entry, its intake record — one
transaction per case, as the service commits them, in the same run.

    python -m bench intake [ROWS] [--db sqlite|pg] [--prefill CASES]

The ratio (reports/s through the service ÷ reports/s of the raw transaction) says what the
platform's intake costs over writing the rows themselves: validation, locating the point to
its grid, the hash chain, the idempotency check, the domain events and their subscribers.
It is measured twice, on the fresh tables and again once `--prefill` raw cases are in
them, since a cost that grows with the table is the one that hurts. Queries per report are
counted, since a count that grows is the first thing to fix.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.common import Check, arguments, record, setup_django, spread_point

TZ = ZoneInfo("Asia/Shanghai")
TARGET_RATIO = 0.3
TARGET_QUERIES = 6


def run(*, rows: int, db: str = "sqlite", prefill: int = 100_000, results=None) -> dict:
    setup_django(db)
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from huying.cases import services as cs
    from huying.cases.models import Case, CaseEvent, IntakeRecord
    from tests.factories import build_world

    now = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    world = build_world(now)
    rng = random.Random(7)
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"intake benchmark: {rows:,} reports per path, on fresh tables and with "
          f"{prefill:,} cases in them ({engine})")

    def body(i: int) -> dict:
        lon, lat = spread_point(i)
        return {"county": world.county.code, "title": "小区消防通道被占",
                "description": f"第{i}号楼前消防通道长期停放私家车，消防车无法通行。",
                "longitude": lon, "latitude": lat, "reporter_name": "王女士",
                "reporter_phone": "13812345678", "external_id": f"GD-{i:08d}"}

    def intake(i: int) -> None:
        b = body(i)
        cs.case_intake(actor=world.user("supervisor"), county=world.county, channel="12345",
                       title=b["title"], description=b["description"],
                       now=now + timedelta(seconds=i % 86_400), longitude=b["longitude"],
                       latitude=b["latitude"], reporter_name=b["reporter_name"],
                       reporter_phone=b["reporter_phone"], external_ref=f"S-{i:08d}",
                       source_system="bench")

    intake(-1)  # the per-process caches (locator, channels, catalogue) warm
    with CaptureQueriesContext(connection) as one:
        intake(-2)
    service_queries = len(one.captured_queries)

    # The reference: the rows of a real report, written as raw INSERTs.
    template_case = Case.objects.order_by("pk").values().first()
    template_event = CaseEvent.objects.filter(case_id=template_case["id"]).values().first()
    template_intake = IntakeRecord.objects.order_by("pk").values().first()

    def insert_sql(model, sample: dict) -> tuple[str, list[str]]:
        columns = [c for c in sample if c != "id"]
        returning = " RETURNING id" if connection.vendor == "postgresql" else ""
        return (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES "
                f"({', '.join(['%s'] * len(columns))}){returning}", columns)

    case_sql, case_cols = insert_sql(Case, template_case)
    event_sql, event_cols = insert_sql(CaseEvent, template_event)
    intake_sql, intake_cols = insert_sql(IntakeRecord, template_intake)
    adapt = connection.ops.adapt_datetimefield_value

    def value(v):
        if isinstance(v, datetime):
            return adapt(v)
        if isinstance(v, (dict, list)):
            return json.dumps(v)
        return v

    def raw_rows(cursor, i: int, spread: bool = False) -> None:
        row = {**template_case, "number": f"RAW{i:09d}", "external_ref": f"R-{i:08d}",
               "description": body(i)["description"]}
        if spread:
            # A county's past: a report every five minutes, anywhere in its grids — not
            # all on one spot at one instant, which would make every new report a
            # duplicate candidate of all of them.
            at = now - timedelta(minutes=5 * (i % 1_000_000 + 1))
            row |= {"reported_at": at, "updated_at": at, "longitude": 122.0 + rng.random() * 0.4,
                    "latitude": 37.0 + rng.random() * 0.1}
        cursor.execute(case_sql, [value(row[c]) for c in case_cols])
        case_id = cursor.fetchone()[0] if connection.vendor == "postgresql" else cursor.lastrowid
        event = {**template_event, "case_id": case_id}
        cursor.execute(event_sql, [value(event[c]) for c in event_cols])
        record_row = {**template_intake, "case_id": case_id, "external_id": f"R-{i:08d}"}
        cursor.execute(intake_sql, [value(record_row[c]) for c in intake_cols])

    def raw(first: int) -> float:
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            for i in range(first, first + rows):
                with transaction.atomic():
                    raw_rows(cursor, i)
        return time.perf_counter() - t0

    def service(first: int) -> float:
        t0 = time.perf_counter()
        for i in range(first, first + rows):
            intake(i)
        return time.perf_counter() - t0

    client = Client()
    client.force_login(world.user("supervisor"))

    def http(first: int) -> float:
        t0 = time.perf_counter()
        for i in range(first, first + rows):
            response = client.post("/api/v1/intake/12345", json.dumps(body(i)),
                                   content_type="application/json")
            assert response.status_code == 201, response.content
        return time.perf_counter() - t0

    rounds = []
    offset = 0
    for label in ("fresh tables", "prefilled"):
        if label == "prefilled":
            t0 = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                for i in range(prefill):
                    raw_rows(cursor, 10_000_000 + i, spread=True)
            print(f"  prefilled {prefill:,} cases in {time.perf_counter() - t0:.1f}s")
        size = Case.objects.count()
        raw_time, service_time, http_time = raw(offset), service(offset), http(
            offset + 5_000_000)
        offset += rows
        ratio = raw_time / service_time
        rounds.append({"cases_before": size, "raw_per_s": round(rows / raw_time, 1),
                       "service_per_s": round(rows / service_time, 1),
                       "http_per_s": round(rows / http_time, 1), "ratio": round(ratio, 3),
                       "http_ratio": round(raw_time / http_time, 3)})
        print(f"  {label} ({size:,} cases): raw per-case transaction {rows / raw_time:,.0f}/s,"
              f" service {rows / service_time:,.0f}/s → ratio {ratio:.2f}×,"
              f" POST /intake/12345 {rows / http_time:,.0f}/s → ratio "
              f"{raw_time / http_time:.2f}×")

    with CaptureQueriesContext(connection) as first:
        client.post("/api/v1/intake/12345", json.dumps(body(-3)),
                    content_type="application/json")
    with CaptureQueriesContext(connection) as retry:
        client.post("/api/v1/intake/12345", json.dumps(body(-3)),
                    content_type="application/json")
    print(f"  queries per report: service {service_queries}, POST first "
          f"{len(first.captured_queries)}, idempotent retry {len(retry.captured_queries)}")
    figures = {"rounds": rounds, "queries_service": service_queries,
               "queries_http_first": len(first.captured_queries),
               "queries_http_retry": len(retry.captured_queries)}
    worst = min(r["ratio"] for r in rounds)
    checks = [Check("reports/s vs raw per-case transaction (worst table size)", worst, "≥",
                    TARGET_RATIO, "×"),
              Check("queries per intake (service)", service_queries, "≤", TARGET_QUERIES)]
    record(bench="intake", db=db, rows=rows, figures=figures, checks=checks,
           **({"results": results} if results else {}))
    return figures


def main(argv: list[str]) -> None:
    prefill = 100_000
    if "--prefill" in argv:
        at = argv.index("--prefill")
        prefill = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    args = arguments("intake", argv, 2_000)
    run(rows=args.rows, db=args.db, prefill=prefill, results=args.results)


if __name__ == "__main__":
    main(sys.argv[1:])
