"""A full case lifecycle through the services, against a raw replay of its own writes.

    python -m bench lifecycle [N] [--db sqlite|pg]

Each lifecycle: a town report classified on the spot (report + register), called up to the
county, the call approved, triaged, dispatched to one lead department, signed, replied,
evaluated satisfied (closed). The reference is the same writes without the reads and the
logic: every INSERT, UPDATE and DELETE one service lifecycle issued, with its parameters,
captured through `connection.execute_wrapper` and replayed for each other case with plain
`cursor.execute`, in the same transactions, the ids of the rows it created mapped to the
replay's new ones (and the unique texts — the case number, notification keys — made new).
The ratio says what the platform's reads, checks, hash chain and subscribers cost on top of
the rows themselves; the queries per lifecycle are counted by kind and by step, since the
steps that issue the most statements are the first to cut.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bench.common import Check, arguments, record, setup_django, spread_point

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a Monday morning, a working week ahead
TARGET_RATIO = 0.4
TARGET_QUERIES = 40
STEPS = ("report", "call", "approve", "triage", "dispatch", "sign", "reply", "evaluate")


def kind_of(sql: str) -> str:
    word = sql.lstrip().split(None, 1)[0].upper()
    if word in ("SAVEPOINT", "RELEASE") or sql.lstrip().upper().startswith("ROLLBACK TO"):
        return "SAVEPOINT"
    return word if word in ("SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN") else "OTHER"


class _Buffered:
    """Stands in for a database cursor whose RETURNING rows the capture has read: serves
    those rows to Django once, then is the real cursor again."""

    def __init__(self, real, rows: list) -> None:
        self._real, self._rows = real, rows

    def fetchone(self):
        return self._rows.pop(0) if self._rows else None

    def fetchall(self):
        rows, self._rows = self._rows, []
        return rows

    def fetchmany(self, size: int = 1):
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    def __iter__(self):
        return iter(self.fetchall())

    def __getattr__(self, name: str):
        return getattr(self._real, name)


@dataclass
class Statement:
    sql: str
    params: object
    many: bool
    group: int | None  # the transaction it ran in; None: autocommit, a transaction alone
    returned: list = field(default_factory=list)  # the ids an INSERT … RETURNING answered


class Capture:
    """Every statement of the connection, with its step and transaction: the writes to
    replay, the counts by kind and step. Transactions are told apart by counting commits
    and rollbacks (a savepoint is not one)."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.step = "-"
        self.ended = 0
        self.writes: list[Statement] = []
        self.kinds: Counter[str] = Counter()
        self.by_step: dict[str, Counter[str]] = defaultdict(Counter)
        self.tables: Counter[tuple[str, str]] = Counter()  # (step, "KIND table")

    def __enter__(self) -> Capture:
        wrapper = self.connection
        self._commit, self._rollback = wrapper.commit, wrapper.rollback

        def commit() -> None:
            self._commit()
            self.ended += 1

        def rollback() -> None:
            self._rollback()
            self.ended += 1

        wrapper.commit, wrapper.rollback = commit, rollback
        self._hook = wrapper.execute_wrapper(self)
        self._hook.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._hook.__exit__(*exc)
        del self.connection.commit, self.connection.rollback

    def __call__(self, execute, sql, params, many, context):
        kind = kind_of(sql)
        if kind != "BEGIN":  # SQLite's BEGIN IMMEDIATE is the transaction, not a query
            self.kinds[kind] += 1
            self.by_step[self.step][kind] += 1
            self.tables[(self.step, f"{kind} {table_of(sql)}")] += 1
        result = execute(sql, params, many, context)
        if kind in ("INSERT", "UPDATE", "DELETE"):
            group = self.ended if self.connection.in_atomic_block else None
            statement = Statement(sql, params, many, group)
            if kind == "INSERT" and returning_id(sql):
                cursor = context["cursor"]
                rows = cursor.cursor.fetchall()
                statement.returned = [row[0] for row in rows]
                cursor.cursor = _Buffered(cursor.cursor, list(rows))
            self.writes.append(statement)
        return result


def table_of(sql: str) -> str:
    found = re.search(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return found.group(1) if found else "?"


def returning_id(sql: str) -> bool:
    """An INSERT that answers the ids it wrote first (`RETURNING "t"."id"[, …]`)."""
    return re.search(r'RETURNING\s+"?\w+"?\."?id"?\s*(,[^()]*)?$', sql) is not None


_COLUMN_BEFORE = re.compile(
    r'(?:"?(?P<table>\w+)"?\.)?"?(?P<column>\w+)"?\s*(?:=|<=|>=|<|>|\bIN)\s*\(?\s*$',
    re.IGNORECASE)


class Replay:
    """The captured writes of one lifecycle, made into the writes of another case."""

    def __init__(self, writes: list[Statement], number: str) -> None:
        from django.apps import apps

        self.writes, self.number = writes, number
        self.models = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
        self.plans = [self._plan(s) for s in writes]

    def _target(self, table: str, column: str) -> str | None:
        """The table whose ids a column holds, when it holds ids."""
        model = self.models.get(table)
        if model is None:
            return None
        for f in model._meta.concrete_fields:
            if f.column == column:
                if f.primary_key:
                    return table
                if f.is_relation and f.related_model is not None:
                    return f.related_model._meta.db_table
                if column in ("case_id", "assignment_id"):  # plain ids (rollup tables)
                    return f"cases_{column[:-3]}"
                return None
        return None

    def _plan(self, s: Statement) -> list[tuple[str | None, str]]:
        """(the table of ids, the column) for each parameter, in order."""
        table = table_of(s.sql)
        head = re.match(r'\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+"?(\w+)"?\s*\(([^)]*)\)\s*(.*)',
                        s.sql, re.IGNORECASE | re.DOTALL)
        if head:
            columns = [c.strip().strip('"') for c in head.group(2).split(",")]
            rest = head.group(3)
            if "UNNEST" in rest.upper():  # PostgreSQL's bulk insert: one array per column
                return [(self._target(table, c), c) for c in columns]
            group = re.match(r"\s*(?:VALUES|SELECT)\s*\(([^)]*)\)", rest, re.IGNORECASE)
            slots = [i for i, v in enumerate(group.group(1).split(",")) if "%s" in v]
            per_row = [(self._target(table, columns[i]), columns[i]) for i in slots]
            total = rest.count("%s")
            return (per_row * (total // max(len(per_row), 1)))[:total]
        plan = []
        for found in re.finditer(r"%s", s.sql):
            before = re.sub(r"(%s\s*,\s*)+$", "", s.sql[:found.start()])
            column = _COLUMN_BEFORE.search(before)
            if column is None:
                plan.append((None, ""))
                continue
            plan.append((self._target(column.group("table") or table, column.group("column")),
                         column.group("column")))
        return plan

    def batches(self) -> list[tuple[bool, list[int]]]:
        """The writes in their transactions, in order: (whether one transaction, indices);
        an autocommit write is a batch alone."""
        batches: list[tuple[bool, list[int]]] = []
        for group, members in itertools.groupby(range(len(self.writes)),
                                                key=lambda i: self.writes[i].group):
            if group is None:
                batches += [(False, [i]) for i in members]
            else:
                batches.append((True, list(members)))
        return batches

    def case(self, k: int) -> Callable[[Any, int], None]:
        """A function executing write `i` as case `k`'s, on a cursor."""
        ids: dict[str, dict[int, int]] = defaultdict(dict)
        number = f"RP{k:09d}"

        def value(v, target: str | None, column: str):
            if isinstance(v, list):
                return [value(x, target, column) for x in v]
            if target is not None and isinstance(v, int) and not isinstance(v, bool):
                return ids[target].get(v, v)
            if isinstance(v, str):
                if self.number in v:
                    v = v.replace(self.number, number)
                if column == "dedupe_key":
                    v = f"{v}~{k}"
            return v

        def execute(cursor, i: int) -> None:
            statement, plan = self.writes[i], self.plans[i]
            params = statement.params
            if params is not None:
                params = [value(v, *slot) for v, slot in zip(params, plan, strict=False)]
            cursor.execute(statement.sql, params)
            if statement.returned:
                table = table_of(statement.sql)
                for old, row in zip(statement.returned, cursor.fetchall(), strict=True):
                    ids[table][old] = row[0]
            elif "RETURNING" in statement.sql:  # read it out, as the service does
                cursor.fetchall()

        return execute


def replay_all(replay: Replay, count: int, first: int) -> None:
    """Each replayed case in the template's transactions: a group of writes committed
    together as they were, an autocommit write alone."""
    from django.db import connection, transaction

    batches = replay.batches()
    with connection.cursor() as cursor:
        for k in range(first, first + count):
            execute = replay.case(k)
            for atomic, indices in batches:
                with transaction.atomic() if atomic else contextlib.nullcontext():
                    for i in indices:
                        execute(cursor, i)


def run(*, rows: int, db: str = "sqlite", results=None) -> dict:
    setup_django(db)
    from django.db import connections

    from huying.cases import flows
    from huying.cases import services as cs
    from huying.cases.models import Case, Rating
    from tests.factories import build_world

    world = build_world(START)
    connection = connections["default"]
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"lifecycle benchmark: {rows:,} full lifecycles through the services and as a raw "
          f"replay of their writes ({engine})")

    def lifecycle(i: int, capture: Capture | None = None) -> Case:
        def step(name: str) -> None:
            if capture is not None:
                capture.step = name

        now = START + timedelta(seconds=i)
        lon, lat = spread_point(i, width=0.2)  # in town A's grids: initiator_a's town
        step("report")
        case, _ = flows.case_report_filed(
            actor=world.user("initiator_a"), county=world.county, now=now, matter_code="M002",
            channel="town", title="路灯不亮", description=f"新华路中段第{i}号杆起五六盏路灯不亮。",
            longitude=lon, latitude=lat, reporter_name="张三", reporter_phone="13912345678")
        step("call")
        case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="需县级部门处理",
                            now=now)
        step("approve")
        case = cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=now)
        step("triage")
        case = cs.case_triage(case=case, actor=world.user("supervisor"), matter_code="M002",
                              now=now)
        step("dispatch")
        (lead,) = cs.case_dispatch(case=case, actor=world.user("supervisor"),
                                   lead=world.dept("D05"), now=now)
        step("sign")
        lead = cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"),
                                  now=now + timedelta(hours=1))
        step("reply")
        cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"),
                            result="已更换灯具5套，恢复亮灯。", now=now + timedelta(days=1))
        step("evaluate")
        case.refresh_from_db()
        cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=5,
                         rating=Rating.VERY_SATISFIED, now=now + timedelta(days=2))
        return case

    lifecycle(0)  # warm the per-process caches (locator, catalogue, calendar)
    with Capture(connection) as capture:
        template = lifecycle(1, capture)
    assert Case.objects.get(pk=template.pk).status == "closed"
    writes = capture.writes
    queries = sum(capture.kinds.values())

    t0 = time.perf_counter()
    for i in range(rows):
        lifecycle(2 + i)
    service_time = time.perf_counter() - t0

    replay = Replay(writes, template.number)
    before = Case.objects.count()
    t0 = time.perf_counter()
    replay_all(replay, rows, first=0)
    raw_time = time.perf_counter() - t0
    made = Case.objects.count() - before
    assert made == rows, f"the replay made {made} cases, not {rows}"
    closed = Case.objects.filter(number__startswith="RP", status="closed").count()
    assert closed == rows, f"{closed} replayed cases closed of {rows}"

    transactions = len({s.group for s in writes if s.group is not None}) + sum(
        s.group is None for s in writes)
    service_rate, raw_rate = rows / service_time, rows / raw_time
    ratio = service_rate / raw_rate
    print(f"  reference: raw replay of {len(writes)} writes in {transactions} transactions: "
          f"{raw_time:.2f}s ({raw_rate:,.0f} lifecycles/s)")
    print(f"  services: {service_time:.2f}s ({service_rate:,.0f} lifecycles/s)"
          f"  → ratio {ratio:.2f}× the raw replay")
    kinds = ", ".join(f"{k} {n}" for k, n in capture.kinds.most_common())
    print(f"  queries per lifecycle: {queries} ({kinds})")
    print("  by step:")
    for name in STEPS:
        counts = capture.by_step[name]
        print(f"    {name:<9} {sum(counts.values()):>3}  "
              + ", ".join(f"{k} {n}" for k, n in counts.most_common()))
    hogs = Counter({f"{s}: {t}": n for (s, t), n in capture.tables.items()})
    print("  most repeated statements (step: kind table × count):")
    for name, n in hogs.most_common(12):
        print(f"    {n:>2} × {name}")

    figures = {"lifecycles": rows, "service_s": round(service_time, 3),
               "raw_s": round(raw_time, 3), "service_per_s": round(service_rate, 1),
               "raw_per_s": round(raw_rate, 1), "ratio": round(ratio, 3),
               "writes_replayed": len(writes), "transactions": transactions,
               "queries": queries, "queries_by_kind": dict(capture.kinds),
               "queries_by_step": {n: dict(capture.by_step[n]) for n in STEPS},
               "top_statements": dict(hogs.most_common(12))}
    checks = [Check("lifecycles/s vs raw replay", ratio, "≥", TARGET_RATIO, "×"),
              Check("queries per lifecycle", queries, "≤", TARGET_QUERIES)]
    record(bench="lifecycle", db=db, rows=rows, figures=figures, checks=checks,
           **({"results": results} if results else {}))
    return figures


def main(argv: list[str]) -> None:
    args = arguments("lifecycle", argv, 300)
    run(rows=args.rows, db=args.db, results=args.results)


if __name__ == "__main__":
    main(sys.argv[1:])
