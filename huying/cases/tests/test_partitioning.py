"""Monthly partitions of the case record (`huying partition`, cases/partitioning.py).

The conversion is DDL in one transaction, which PostgreSQL rolls back with the test's
transaction: each test partitions its own copy and leaves the test database as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, models, transaction

from huying.cases.audit import chains_verify
from huying.cases.models import CaseEvent
from huying.cases.partitioning import partitioning_active, partitions_list
from huying.cases.tests.conftest import MONDAY, dispatched

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="partitioning is PostgreSQL only (pg_partman)")


def has_partman() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman'")
        return cursor.fetchone() is not None


@pytest.fixture
def partman(db) -> None:
    if not has_partman():
        pytest.skip("pg_partman is not installed (apt-get install postgresql-15-partman)")


def partition_of(event: CaseEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM cases_caseevent WHERE id = %s",
                       [event.pk])
        return cursor.fetchone()[0]


def next_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('cases_caseevent', 'id'))")
        return cursor.fetchone()[0]


@on_postgresql
@pytest.mark.usefixtures("partman")
def test_setup_keeps_every_event_and_new_events_land_in_their_month(world, capsys):
    before, _ = dispatched(world)  # March 2026, before partitioning
    old = {e.pk: e.hash for e in CaseEvent.objects.all()}
    last_id = max(old)

    call_command("partition", "setup")
    out = capsys.readouterr().out
    assert f"待迁移事项记录 {len(old)} 条" in out and "自 2026-03-01 起每月一个" in out
    assert partitioning_active()
    assert {e.pk: e.hash for e in CaseEvent.objects.all()} == old
    assert {partition_of(e) for e in before.events.all()} == {"cases_caseevent_p2026_03"}

    # The lifecycle keeps appending, to the month of each event, with ids after the old ones.
    april = MONDAY + timedelta(days=35)
    after, _ = dispatched(world, now=april)
    events = list(after.events.order_by("seq"))
    assert {partition_of(e) for e in events} == {"cases_caseevent_p2026_04"}
    assert min(e.pk for e in events) > last_id
    assert list(before.events.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, before.events.count() + 1))
    assert list(chains_verify()) == []
    call_command("audit", "verify")

    rows = {p.name: p.rows for p in partitions_list()}
    assert rows["cases_caseevent_p2026_03"] == len(old)
    assert rows["cases_caseevent_p2026_04"] == len(events)
    assert rows["cases_caseevent_default"] == 0


@on_postgresql
@pytest.mark.usefixtures("partman")
def test_partitioned_events_still_refuse_update_and_delete(world):
    case, _ = dispatched(world)
    call_command("partition", "setup")
    for sql in ("UPDATE cases_caseevent SET action = 'forged' WHERE case_id = %s",
                "DELETE FROM cases_caseevent WHERE case_id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql, [case.pk])
    assert case.events.count() > 0


@on_postgresql
@pytest.mark.usefixtures("partman")
def test_a_second_setup_changes_nothing(world, capsys):
    dispatched(world)
    call_command("partition", "setup")
    partitions = partitions_list()
    sequence = next_id()
    capsys.readouterr()
    call_command("partition", "setup")
    assert "已经分区，未做任何改动" in capsys.readouterr().out
    assert partitions_list() == partitions
    assert next_id() == sequence + 1


@on_postgresql
@pytest.mark.usefixtures("partman")
def test_the_sequence_continues_from_its_state_not_from_the_largest_id(world):
    dispatched(world)
    skipped = next_id()  # a rolled-back insert leaves a gap; the gap stays
    call_command("partition", "setup")
    assert next_id() == skipped + 1


@on_postgresql
@pytest.mark.usefixtures("partman")
def test_one_case_cannot_get_two_events_with_one_sequence_number_in_one_month(world):
    case, _ = dispatched(world)
    call_command("partition", "setup")
    last = case.events.order_by("-seq").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.create(case=case, seq=last.seq, action="forged", at=last.at,
                                 hash="0" * 64)


@on_postgresql
@pytest.mark.usefixtures("partman")
def test_maintenance_keeps_months_ahead_and_the_schema_editor_still_alters_the_table(world):
    dispatched(world)
    call_command("partition", "setup", "--premake", "2")
    months = {p.name for p in partitions_list()}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE partman.part_config SET premake = 6"
                       " WHERE parent_table = 'public.cases_caseevent'")
    call_command("partition", "maintain")
    assert len({p.name for p in partitions_list()} - months) == 4
    # What a later migration would do to the table: a column and an index.
    field = models.CharField(max_length=8, default="", blank=True)
    field.set_attributes_from_name("note")
    with connection.schema_editor() as editor:
        editor.add_field(CaseEvent, field)
        editor.add_index(CaseEvent, models.Index(fields=["case", "at"], name="event_case_at"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'cases_caseevent_%%'"
                       " AND indexdef LIKE '%%(case_id, at)%%'")
        assert cursor.fetchone()[0] == len(partitions_list())


@on_postgresql
def test_maintain_and_status_do_nothing_before_setup(world, capsys):
    if has_partman():
        call_command("partition", "maintain")
        call_command("partition", "status")
        assert capsys.readouterr().out.count("尚未分区") == 2
    assert not partitioning_active()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
def test_setup_on_sqlite_is_refused_in_chinese(db):
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("partition", "setup")


def test_the_daily_task_is_a_no_op_when_not_partitioned(db):
    from huying.cases.tasks import record_partitions_daily

    record_partitions_daily.call_local()
    assert not partitioning_active()
