"""The short fault drill of `make test` (the long one is `make soak`, bench/soak.py): a real
`huying serve` on a loopback port takes intake POSTs from client threads that retry with
the same external id; one gunicorn worker is killed with -9 mid-load. Every report a client
saw accepted is exactly one case and one intake record. No PostgreSQL restart here: other
tests share the server."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.utils import timezone

from bench.soak import (
    PREFIX,
    Node,
    check,
    drill,
    free_port,
    sweep_compare,
    sweep_killed,
    sweep_outcome,
    sweep_plan,
    sweep_problems,
    sweep_uninterrupted,
    tally,
)
from huying.cases.models import Case, IntakeRecord
from huying.intake.tests.test_resume import database_url
from huying.org.auth import token_issue
from huying.supervision.models import SlaClock
from huying.supervision.tests.conftest import BLUE, GREEN, dispatch, staff_world
from huying.workdays.services import calendar_seed_from_library
from tests.factories import build_world

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_web_worker_killed_mid_load_loses_and_doubles_no_report(transactional_db, tmp_path):
    # Real time: the server's processes file the reports at the wall clock's now.
    now = timezone.now()
    world = build_world(now)
    _, token = token_issue(actor=None, user=world.user("supervisor"), name="soak", now=now)
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "HUEY_IMMEDIATE"}}
    env |= {"DATABASE_URL": database_url(), "HUYING_VAR_DIR": str(tmp_path),
            "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "huying.settings"}
    node = Node(env=env, port=free_port(), log=tmp_path / "serve.log")
    summary, load = drill(node, token=token, county=world.county.code,
                          point=world.point_in(0), seconds=8, clients=3, faults=("web",))
    summary = tally(summary, load,
                    list(Case.objects.filter(external_ref__startswith=PREFIX)
                         .values_list("external_ref", flat=True)),
                    list(IntakeRecord.objects.filter(external_id__startswith=PREFIX)
                         .values_list("external_id", flat=True)))
    assert check(summary) == [], (summary, node.log.read_text()[-3000:])
    assert summary["accepted"] >= 10 and summary["lost"] == summary["duplicated"] == 0
    assert summary["faults"]["web_first_success_after_seconds"] is not None
    assert summary["serve_starts"] == 1 and node.serve.returncode == 0


@pytest.mark.slow
def test_a_sweep_killed_mid_pass_resumes_and_fires_each_level_once(transactional_db,
                                                                   tmp_path):
    """`huying sweep` in a process of its own over 120 due clocks, killed with -9 once 30 %
    of their levels fired, then run again: each level fired once, each deduction and
    notice once, and the same outcome as an uninterrupted pass (run first, rolled back)."""
    start = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    calendar_seed_from_library(years=[2026], now=start)
    world = staff_world(build_world(start), start)
    for n in range(8):  # a lead and four co-handlers each: 40 assignments, 120 clocks
        dispatch(world, matter=(BLUE, GREEN)[n % 2], now=start + timedelta(minutes=n),
                 co=("D01", "D07", "D25", "D26"))
    as_of = (start + timedelta(days=60)).isoformat()
    plan = sweep_plan(as_of)
    due = sum(target - stage for stage, target in plan.values())
    assert len(plan) == 120 and due == 360
    uninterrupted = sweep_uninterrupted(as_of, plan)
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "HUEY_IMMEDIATE"}}
    env |= {"DATABASE_URL": database_url(), "HUYING_VAR_DIR": str(tmp_path),
            "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "huying.settings"}

    def fired() -> int:
        return SlaClock.objects.aggregate(n=Sum("stage"))["n"]

    result = sweep_killed(env, as_of=as_of, fired=fired, kill_after=int(due * 0.3))
    assert 0 < result["levels_before_kill"] < due
    resumed = sweep_outcome(as_of, plan)
    summary = {**result, **{k: v for k, v in resumed.items() if k != "fingerprint"},
               "differs_from_uninterrupted": sweep_compare(resumed, uninterrupted)}
    assert sweep_problems(summary) == [], summary
    assert resumed["levels_fired"] == due and resumed["deductions"] > 0
    assert resumed["notifications"] > 0 and result["levels_by_third_pass"] == 0
