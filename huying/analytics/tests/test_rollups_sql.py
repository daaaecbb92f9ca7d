"""The rebuild inside PostgreSQL writes exactly what the Python rebuild writes: every bucket
of every table and every case's memo, on the hand-built March (dispatch, co-handling, an
approved return, rework, an automatic close, a bounced call, a local resolution, a
rejection), citizens' ratings and weeks of simulated reports with points in three grids; and
the incremental refresh carries on from its memos."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from huying.analytics import models as tables
from huying.analytics.contribution import entries_from_json
from huying.analytics.rollups import (
    rollups_rebuild,
    rollups_refresh_queued,
    rollups_verify,
    table_contents,
)
from huying.analytics.rollups_sql import rollups_rebuild_sql
from huying.analytics.tests.scenario import AFTER_MARCH, MON, Scenario, build_march
from huying.analytics.tests.simulated import background
from huying.analytics.tests.test_citizen_satisfaction import rated
from huying.cases import services as cs
from huying.cases.models import Case

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="the SQL rebuild is PostgreSQL's")


def memos() -> dict[int, object]:
    return {memo.case_id: entries_from_json(memo.entries)
            for memo in tables.RollupMemo.objects.all()}


def build(world) -> Scenario:
    s = build_march(world)
    rated(world, MON + timedelta(days=3), "satisfied", evaluation="basically_satisfied")
    rated(world, MON + timedelta(days=3), "unsatisfied", rated_at=MON + timedelta(days=4))
    background(world, first=date(2026, 2, 1), last=date(2026, 3, 20), per_day=0.8)
    # a case without town or point, and one whose point lies outside the map's range
    Case.objects.filter(pk=Case.objects.order_by("pk").last().pk).update(
        town=None, community=None, grid=None, unit=None, longitude=None, latitude=None)
    Case.objects.filter(pk=Case.objects.order_by("pk").first().pk).update(longitude=500.0)
    rollups_refresh_queued(now=AFTER_MARCH)
    return s


@on_postgresql
def test_the_sql_rebuild_writes_what_the_python_rebuild_writes(world):
    build(world)
    count = rollups_rebuild(now=AFTER_MARCH)
    python_tables, python_memos = table_contents(), memos()
    assert count == Case.objects.count() > 60
    assert {table for table, _key in python_tables} == {
        "CountyDay", "FlowDay", "FlowMonth", "PlaceDay", "PlaceMonth", "CellDay",
        "CellMonth", "DepartmentDay", "OutcomeDay"}

    steps: list[str] = []
    assert rollups_rebuild_sql(now=AFTER_MARCH, say=steps.append) == count
    assert steps  # what the command prints as it goes
    sql_tables = table_contents()
    assert sql_tables == python_tables
    assert memos() == python_memos
    assert not tables.RollupQueue.objects.exists()
    assert rollups_verify(now=AFTER_MARCH) == []


@on_postgresql
def test_the_refresh_carries_on_from_the_memos_of_the_sql_rebuild(world):
    s = build(world)
    rollups_rebuild_sql(now=AFTER_MARCH)
    replied_before = tables.OutcomeDay.objects.filter(lead_replied__gt=0).count()
    # D05 finally replies to case D: the refresh subtracts the case's old contribution, which
    # it reads from the memo the SQL wrote, and adds the new one
    cs.assignment_reply(assignment=s.assignments["D"], actor=world.user("responder_d05"),
                        result="已修复。", now=AFTER_MARCH)
    assert rollups_refresh_queued(now=AFTER_MARCH + timedelta(minutes=1)) == 1
    assert tables.OutcomeDay.objects.filter(lead_replied__gt=0).count() == replied_before + 1
    assert rollups_verify(now=AFTER_MARCH) == []


@on_postgresql
def test_the_command_rebuilds_in_the_database(world, capsys):
    build(world)
    tables.CountyDay.objects.update(received=999)
    call_command("analytics", "rebuild", "--sql")
    assert f"{Case.objects.count()}" in capsys.readouterr().out
    assert rollups_verify(now=AFTER_MARCH) == []


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite refuses it")
def test_the_sql_rebuild_refuses_sqlite_with_a_clear_message(world):
    with pytest.raises(NotImplementedError, match="PostgreSQL"):
        rollups_rebuild_sql(now=datetime(2026, 4, 1))
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("analytics", "rebuild", "--sql")
