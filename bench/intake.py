"""Intake throughput: reports taken in through `POST /intake/{channel}` and through the
service, against raw INSERTs of the same rows (the case, its first record entry, its intake
record) in the same run.

The ratio says what the platform's intake costs over writing the rows themselves: parsing,
validation, locating the point to its grid, the hash chain, the idempotency check, the domain
events. Queries per report are counted, since a count that grows is the first thing to fix.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.sweep import setup_django

TZ = ZoneInfo("Asia/Shanghai")


def run(*, rows: int) -> None:
    setup_django()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from huying.cases import services as cs
    from huying.cases.models import Case, CaseEvent, IntakeRecord
    from tests.factories import build_world

    now = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    world = build_world(now)
    points = [world.point_in(i % 4) for i in range(rows)]
    print(f"intake benchmark: {rows:,} reports per path (SQLite)")

    def body(i: int) -> dict:
        lon, lat = points[i % rows]
        return {"county": world.county.code, "title": "小区消防通道被占",
                "description": f"第{i}号楼前消防通道长期停放私家车，消防车无法通行。",
                "longitude": lon, "latitude": lat, "reporter_name": "王女士",
                "reporter_phone": "13812345678", "external_id": f"GD-{i:07d}"}

    # The service: what the batch import and the demo call, without HTTP.
    def service_path() -> None:
        for i in range(rows):
            b = body(i)
            cs.case_intake(actor=world.user("supervisor"), county=world.county,
                           channel="12345", title=b["title"], description=b["description"],
                           now=now + timedelta(seconds=i), longitude=b["longitude"],
                           latitude=b["latitude"], reporter_name=b["reporter_name"],
                           reporter_phone=b["reporter_phone"], external_ref=f"S-{i:07d}",
                           source_system="bench")

    t0 = time.perf_counter()
    service_path()
    service_time = time.perf_counter() - t0

    client = Client()
    client.force_login(world.user("supervisor"))
    t0 = time.perf_counter()
    for i in range(rows):
        response = client.post("/api/v1/intake/12345", json.dumps(body(i)),
                               content_type="application/json")
        assert response.status_code == 201, response.content
    http_time = time.perf_counter() - t0
    with CaptureQueriesContext(connection) as first:
        client.post("/api/v1/intake/12345", json.dumps(body(rows + 1)),
                    content_type="application/json")
    with CaptureQueriesContext(connection) as retry:
        client.post("/api/v1/intake/12345", json.dumps(body(rows + 1)),
                    content_type="application/json")

    # The reference: the same rows written with executemany, copied from a real report.
    template_case = Case.objects.order_by("pk").values().first()
    template_event = CaseEvent.objects.filter(case_id=template_case["id"]).values().first()
    template_intake = IntakeRecord.objects.order_by("pk").values().first()

    def insert_sql(model, sample: dict) -> tuple[str, list[str]]:
        columns = [c for c in sample if c != "id"]
        return (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES "
                f"({', '.join(['%s'] * len(columns))})", columns)

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

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(rows):
            row = {**template_case, "number": f"RAW{i:09d}", "external_ref": f"R-{i:07d}",
                   "description": body(i)["description"]}
            cursor.execute(case_sql, [value(row[c]) for c in case_cols])
            case_id = cursor.lastrowid
            event = {**template_event, "case_id": case_id}
            cursor.execute(event_sql, [value(event[c]) for c in event_cols])
            record = {**template_intake, "case_id": case_id, "external_id": f"R-{i:07d}"}
            cursor.execute(intake_sql, [value(record[c]) for c in intake_cols])
    raw_time = time.perf_counter() - t0

    print(f"  reference: raw INSERTs of case + record entry + intake record: "
          f"{raw_time:.2f}s ({rows / raw_time:,.0f}/s)")
    print(f"  service case_intake: {service_time:.2f}s ({rows / service_time:,.0f}/s)"
          f"  → ratio {service_time / raw_time:.1f}× the raw inserts")
    print(f"  POST /intake/12345: {http_time:.2f}s ({rows / http_time:,.0f}/s)"
          f"  → ratio {http_time / raw_time:.1f}× the raw inserts")
    print(f"  queries per report: first {len(first.captured_queries)},"
          f" idempotent retry {len(retry.captured_queries)}")
