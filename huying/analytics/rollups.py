"""Keeping the rollup tables right: refresh a case's contribution, rebuild, verify.

A change to a case queues it (`RollupQueue`, in the change's transaction); after the commit,
and again from the periodic sweep for anything left, `rollups_refresh` computes the queued
cases' contributions afresh, subtracts what `RollupMemo` says they contributed before and adds
the difference to the tables — an UPDATE of a few buckets per case, never a scan.

Several processes may refresh at once: a refresh takes the queue rows it works on and locks
the cases' memos before it reads the cases, so two refreshes of one case follow each other
and the second starts from what the first wrote. Buckets are changed by increments, in key
order, so that concurrent refreshes of different cases neither lose updates nor deadlock.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction

from huying.analytics import models as tables
from huying.analytics.contribution import (
    AssignmentFacts,
    CaseFacts,
    CitizenRatingFacts,
    ClockFacts,
    Entries,
    EvaluationFacts,
    contribution,
    entries_difference,
    entries_from_json,
    entries_sum,
    entries_to_json,
)
from huying.cases.models import Assignment, Case, CaseEvent, Evaluation
from huying.citizens.models import CitizenRating
from huying.supervision.models import SlaClock
from huying.workdays.selectors import work_calendar

log = logging.getLogger(__name__)

TABLES: dict[str, type[models.Model]] = {
    name: getattr(tables, name)
    for name in ("CountyDay", "FlowDay", "FlowMonth", "PlaceDay", "PlaceMonth", "CellDay",
                 "CellMonth", "DepartmentDay", "OutcomeDay")
}
CHUNK = 500
# Buckets per upsert statement (SQLite allows 32,766 parameters; a bucket has about 40).
UPSERT_ROWS = 200
# A town's call denied by its reviewer or sent back by the centre: "呼叫不是乱呼".
BOUNCED_CALL = ("call_deny", "send_back")

_CASE_FIELDS = ("id", "county_id", "town_id", "community_id", "grid_id", "unit_id", "channel",
                "matter_type_id", "colour", "status", "level", "cycle", "called_by_id",
                "sensitive", "urgent", "reported_at", "dispatched_at", "replied_at", "closed_at",
                "longitude", "latitude")


def case_facts(case_ids: Sequence[int]) -> dict[int, CaseFacts]:
    """The facts of these cases, in six queries whatever their number."""
    clocks: dict[int, list[ClockFacts]] = defaultdict(list)
    for row in SlaClock.objects.filter(case_id__in=case_ids).values_list(
            "assignment_id", "cycle", "metric", "state", "due_at", "stopped_at", "breached_at"):
        assignment_id, _cycle, metric, state, due_at, stopped_at, breached_at = row
        clocks[assignment_id].append(ClockFacts(metric, state, due_at, stopped_at, breached_at))
    assignments: dict[int, list[AssignmentFacts]] = defaultdict(list)
    for row in Assignment.objects.filter(case_id__in=case_ids).values_list(
            "id", "case_id", "department_id", "role", "cycle", "status", "dispatched_at",
            "signed_at", "replied_at"):
        pk, case_id, department_id, role, cycle, status, dispatched_at, signed, replied = row
        assignments[case_id].append(AssignmentFacts(
            department_id, role, cycle, status, dispatched_at, signed, replied,
            tuple(clocks.get(pk, ()))))
    evaluations: dict[int, list[EvaluationFacts]] = defaultdict(list)
    for case_id, cycle, rating, automatic, at in Evaluation.objects.filter(
            case_id__in=case_ids).values_list("case_id", "cycle", "rating", "automatic",
                                               "evaluated_at"):
        evaluations[case_id].append(EvaluationFacts(cycle, rating, automatic, at))
    ratings: dict[int, list[CitizenRatingFacts]] = defaultdict(list)
    for case_id, cycle, rating, at in CitizenRating.objects.filter(
            case_id__in=case_ids).values_list("case_id", "cycle", "rating", "rated_at"):
        ratings[case_id].append(CitizenRatingFacts(cycle, rating, at))
    bounced = set(CaseEvent.objects.filter(case_id__in=case_ids, action__in=BOUNCED_CALL)
                  .values_list("case_id", flat=True).distinct())
    facts = {}
    for row in Case.objects.filter(pk__in=case_ids).order_by().values_list(*_CASE_FIELDS):
        values = dict(zip(_CASE_FIELDS, row, strict=True))
        values["called"] = values.pop("called_by_id") is not None
        values["call_bounced"] = values["id"] in bounced
        pk = values["id"]
        facts[pk] = CaseFacts(**values, assignments=tuple(assignments.get(pk, ())),
                              evaluations=tuple(evaluations.get(pk, ())),
                              citizen_ratings=tuple(ratings.get(pk, ())))
    return facts


@dataclass
class Contributor:
    """Computes contributions with one working calendar for the whole run."""

    tz: ZoneInfo
    working_seconds: Callable[[datetime, datetime], float]

    @classmethod
    def now(cls) -> Contributor:
        calendar = work_calendar()
        return cls(tz=ZoneInfo(settings.TIME_ZONE),
                   working_seconds=calendar.working_seconds_between)

    def of(self, facts: CaseFacts) -> Entries:
        return contribution(facts, tz=self.tz, working_seconds=self.working_seconds)


def _upsert_sql(model: type[models.Model], rows: int) -> str:
    """INSERT … ON CONFLICT (key) DO UPDATE SET m = m + excluded.m, for `rows` buckets: one
    statement per table that creates the missing buckets and increments the others
    (PostgreSQL and SQLite ≥ 3.24 alike)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [*model.KEY, *model.MEASURES]
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * rows)
    increments = ", ".join(f"{quote(m)} = {table}.{quote(m)} + excluded.{quote(m)}"
                           for m in model.MEASURES)
    return (f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES {values} "
            f"ON CONFLICT ({', '.join(quote(c) for c in model.KEY)}) DO UPDATE SET "
            f"{increments}")


def _apply(difference: Entries) -> None:
    """Add `difference` to the tables: one upsert per table, buckets in key order (so that
    concurrent refreshes lock them in the same order)."""
    by_table: dict[str, list[tuple[tuple[object, ...], dict[str, int]]]] = defaultdict(list)
    for (table, key), delta in difference.items():
        by_table[table].append((key, delta))
    with connection.cursor() as cursor:
        for table in sorted(by_table):
            model = TABLES[table]
            rows = sorted(by_table[table], key=lambda item: repr(item[0]))
            for start in range(0, len(rows), UPSERT_ROWS):
                chunk = rows[start:start + UPSERT_ROWS]
                params: list[object] = []
                for key, delta in chunk:
                    params.extend(key)
                    params.extend(delta.get(m, 0) for m in model.MEASURES)
                cursor.execute(_upsert_sql(model, len(chunk)), params)


def rollups_refresh(case_ids: Iterable[int], *, now: datetime) -> int:
    """Bring the rollups up to date with these cases, if they are still queued. Answers how
    many cases were refreshed (0 when another process got to them first)."""
    ids = sorted(set(case_ids))
    if not ids:
        return 0
    with transaction.atomic():
        claimed = list(tables.RollupQueue.objects.select_for_update(skip_locked=True)
                       .filter(case_id__in=ids).values_list("case_id", flat=True))
        if not claimed:
            return 0
        tables.RollupQueue.objects.filter(case_id__in=claimed).delete()
        tables.RollupMemo.objects.bulk_create(
            [tables.RollupMemo(case_id=pk) for pk in claimed], ignore_conflicts=True)
        memos = {memo.case_id: memo for memo in
                 tables.RollupMemo.objects.select_for_update().filter(case_id__in=claimed)
                 .order_by("case_id")}
        facts = case_facts(claimed)
        contributor = Contributor.now()
        difference: Entries = {}
        for pk in claimed:
            memo = memos[pk]
            new = contributor.of(facts[pk]) if pk in facts else {}
            old = entries_from_json(memo.entries)
            difference = entries_sum([difference, entries_difference(new, old)])
            memo.entries = entries_to_json(new)
            memo.computed_at = now
        _apply(difference)
        tables.RollupMemo.objects.bulk_update(list(memos.values()),
                                              ["entries", "computed_at"], batch_size=CHUNK)
    return len(claimed)


def rollups_queue(case_ids: Iterable[int]) -> None:
    """Mark cases for a refresh (in the caller's transaction)."""
    tables.RollupQueue.objects.bulk_create(
        [tables.RollupQueue(case_id=pk) for pk in set(case_ids)], ignore_conflicts=True)


def rollups_refresh_queued(*, now: datetime, limit: int | None = None) -> int:
    """Refresh every queued case (the sweep's part, and the tests'), a chunk at a time."""
    done = 0
    while limit is None or done < limit:
        ids = list(tables.RollupQueue.objects.order_by("case_id")
                   .values_list("case_id", flat=True)[:CHUNK])
        if not ids:
            break
        refreshed = rollups_refresh(ids, now=now)
        if not refreshed:
            break
        done += refreshed
    return done


# ---------------------------------------------------------------------------------------
# recomputation from the cases


def _case_id_chunks(county_id: int | None = None) -> Iterator[list[int]]:
    cases = Case.objects.order_by("pk")
    if county_id is not None:
        cases = cases.filter(county_id=county_id)
    last = 0
    while True:
        ids = list(cases.filter(pk__gt=last).values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return
        yield ids
        last = ids[-1]


def contributions_recomputed(progress: Callable[[int], None] | None = None
                             ) -> Iterator[tuple[int, Entries]]:
    """Every case's contribution, computed from the cases, chunk by chunk."""
    contributor = Contributor.now()
    done = 0
    for ids in _case_id_chunks():
        facts = case_facts(ids)
        for pk in ids:
            if pk in facts:
                yield pk, contributor.of(facts[pk])
        done += len(ids)
        if progress:
            progress(done)


def table_contents() -> Entries:
    """What the tables hold now, buckets with only zeros left out."""
    contents: Entries = {}
    for name, model in TABLES.items():
        for row in model.objects.values_list(*model.KEY, *model.MEASURES).iterator(
                chunk_size=5000):
            key, values = tuple(row[:len(model.KEY)]), row[len(model.KEY):]
            measures = {m: v for m, v in zip(model.MEASURES, values, strict=True) if v}
            if measures:
                contents[(name, key)] = measures
    return contents


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple[object, ...]
    measure: str
    expected: int
    found: int


def rollups_verify(*, now: datetime, progress: Callable[[int], None] | None = None
                   ) -> list[Difference]:
    """Recompute every table from the cases and list each count that differs. Queued cases
    (changes committed but not yet applied) are refreshed first, so that a busy system does
    not fail for what is only late."""
    rollups_refresh_queued(now=now)
    expected = entries_sum(entries for _pk, entries in contributions_recomputed(progress))
    found = table_contents()
    differences = []
    for (table, key), delta in sorted(entries_difference(found, expected).items(),
                                      key=lambda item: repr(item[0])):
        for measure, value in sorted(delta.items()):
            want = expected.get((table, key), {}).get(measure, 0)
            differences.append(Difference(table, key, measure, want, want + value))
    return differences


def rollups_rebuild(*, now: datetime, progress: Callable[[int], None] | None = None) -> int:
    """Empty the tables and the memos and fill them again from the cases. Answers the number
    of cases. Run it with writes stopped (or accept that a case changed meanwhile is queued
    and refreshed after)."""
    with transaction.atomic():
        for model in TABLES.values():
            model.objects.all().delete()
        tables.RollupMemo.objects.all().delete()
        tables.RollupQueue.objects.all().delete()
        total: Entries = {}
        memos: list[tables.RollupMemo] = []
        count = 0
        for pk, entries in contributions_recomputed(progress):
            for bucket, measures in entries.items():
                into = total.setdefault(bucket, {})
                for name, value in measures.items():
                    into[name] = into.get(name, 0) + value
            memos.append(tables.RollupMemo(case_id=pk, entries=entries_to_json(entries),
                                           computed_at=now))
            count += 1
            if len(memos) >= CHUNK:
                tables.RollupMemo.objects.bulk_create(memos)
                memos = []
        tables.RollupMemo.objects.bulk_create(memos)
        for name, model in TABLES.items():
            rows = [model(**dict(zip(model.KEY, key, strict=True)), **measures)
                    for (table, key), measures in total.items() if table == name]
            model.objects.bulk_create(rows, batch_size=2000)
    return count
