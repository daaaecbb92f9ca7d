"""The sweep across holidays: warnings and breaches fire at the right working instant and
once only, even when two sweeps run at once; `huying sweep` runs it from cron."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from huying.assessment.models import Deduction
from huying.cases import services as cs
from huying.cases.models import CaseStatus
from huying.common.tests.factories import build_world
from huying.notifications.models import Notification
from huying.supervision.models import Interview, LadderStep, SlaClock, Stage
from huying.supervision.services import sweep_run
from huying.supervision.tests.conftest import BLUE, GREEN, RED, TZ, YELLOW, dispatch, staff_world
from huying.workdays.services import calendar_override_set, calendar_seed_from_library

ONE = timedelta(seconds=1)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def clocks(case) -> dict[str, SlaClock]:
    return {c.metric: c for c in SlaClock.objects.filter(case=case)}


def check_fires_once(clock: SlaClock, instant: datetime, level: int) -> None:
    """One second before: not yet. At the instant: fired. Again: nothing more."""
    sweep_run(now=instant - ONE)
    clock.refresh_from_db()
    assert clock.stage == level - 1
    first = sweep_run(now=instant)
    clock.refresh_from_db()
    assert clock.stage == level
    assert first.fired[level] >= 1
    again = sweep_run(now=instant)
    assert again.fired == {1: 0, 2: 0, 3: 0}


def test_national_day_2025(world):
    """Dispatched on Tue 30 Sep 2025 15:30: 1–8 Oct are holidays; the green type's 4
    working hours of signing run 2 h that afternoon and 2 h on Thu 9 Oct."""
    start = at(2025, 9, 30, 15, 30)
    case, _ = dispatch(world, matter=GREEN, now=start)
    sign, respond, complete = (clocks(case)[m] for m in ("sign", "respond", "complete"))
    assert sign.warn_half_at == at(2025, 9, 30, 17, 30)
    assert sign.warn_three_quarters_at == at(2025, 10, 9, 9, 30)
    assert sign.due_at == at(2025, 10, 9, 10, 30)
    assert respond.due_at == at(2025, 10, 10, 17, 30)
    # 5 working days: 9, 10, Sat 11 (a make-up workday), 13, 14 October
    assert complete.due_at == at(2025, 10, 14, 17, 30)

    check_fires_once(sign, sign.warn_half_at, Stage.HALF)
    # Nothing fires during the holiday.
    assert sweep_run(now=at(2025, 10, 5, 12, 0)).total == 0
    check_fires_once(sign, sign.warn_three_quarters_at, Stage.THREE_QUARTERS)
    check_fires_once(sign, sign.due_at, Stage.BREACHED)
    assert Deduction.objects.filter(case=case, rule="sign_breach").count() == 1
    check_fires_once(complete, complete.due_at, Stage.BREACHED)
    assert Deduction.objects.filter(case=case).count() == 3
    assert LadderStep.objects.filter(case=case).count() == 3
    breach_notes = Notification.objects.filter(kind="sla_breach", user=world.user("head_d05"))
    assert breach_notes.count() == 3


def test_spring_festival_2026(world):
    """Dispatched Fri 13 Feb 2026 17:00: Sat 14 Feb is a make-up workday, 15–23 Feb the
    holiday. The yellow type: 1 working hour to sign, 1 working day to respond, 3 to
    complete."""
    start = at(2026, 2, 13, 17, 0)
    case, _ = dispatch(world, matter=YELLOW, now=start)
    sign, respond, complete = (clocks(case)[m] for m in ("sign", "respond", "complete"))
    assert sign.due_at == at(2026, 2, 14, 9, 0)
    assert respond.due_at == at(2026, 2, 14, 17, 30)
    assert complete.due_at == at(2026, 2, 25, 17, 30)
    check_fires_once(sign, sign.due_at, Stage.BREACHED)
    interview = Interview.objects.get()
    assert interview.interviewee == world.user("deputy_d05")
    # the holiday passes without a sound; the completion breach comes on the 25th
    assert sweep_run(now=at(2026, 2, 20, 10, 0)).fired[3] == 1  # respond (due the 14th)
    check_fires_once(complete, complete.due_at, Stage.BREACHED)
    assert Interview.objects.count() == 1  # one assignment, one interview
    assert LadderStep.objects.count() == 3


def test_turn_of_2026_to_2027(world):
    """The calendar library stops at 2026: 2027 falls back to weekends plus the days an
    administrator enters — here New Year's Day. Dispatched Thu 31 Dec 2026 16:30."""
    calendar_override_set(actor=None, day="2027-01-01", is_workday=False, reason="元旦",
                          now=at(2026, 12, 1, 9, 0))
    start = at(2026, 12, 31, 16, 30)
    case, _ = dispatch(world, matter=BLUE, now=start)
    sign, complete = clocks(case)["sign"], clocks(case)["complete"]
    assert sign.due_at == at(2027, 1, 4, 9, 30)  # 1 h on the 31st, 1 h on Mon 4 Jan
    assert complete.due_at == at(2027, 1, 6, 17, 30)
    check_fires_once(sign, sign.due_at, Stage.BREACHED)
    check_fires_once(complete, complete.due_at, Stage.BREACHED)
    assert Deduction.objects.filter(case=case).count() == 3


def test_a_signed_clock_stops_and_never_breaches(world):
    start = at(2026, 3, 2, 9, 0)
    case, (lead,) = dispatch(world, matter=RED, now=start)
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"),
                       now=start + timedelta(minutes=10))
    sweep_run(now=start + timedelta(hours=1))
    assert clocks(case)["sign"].stage == Stage.NONE
    assert not Interview.objects.exists()


def test_huying_sweep_command_replays_a_time_and_autocloses(world):
    start = at(2026, 3, 2, 9, 0)
    case, (lead,) = dispatch(world, matter=RED, now=start)
    out = StringIO()
    call_command("sweep", "--now", "2026-03-02 09:30", stdout=out)
    assert "1" in out.getvalue()
    assert Interview.objects.count() == 1
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=start)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已办结",
                        now=start + timedelta(hours=2))
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED
    with time_machine.travel(case.evaluation_due_at + ONE, tick=False):
        out = StringIO()
        call_command("sweep", stdout=out)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.evaluations.get().automatic
    assert "1" in out.getvalue()


def test_two_sweeps_one_after_the_other_change_nothing_the_second_time(world):
    start = at(2026, 3, 2, 9, 0)
    for matter in (RED, BLUE):
        dispatch(world, matter=matter, now=start)
    later = start + timedelta(days=10)
    sweep_run(now=later)
    snapshot = (Interview.objects.count(), Deduction.objects.count(),
                LadderStep.objects.count(), Notification.objects.count())
    assert snapshot[:3] == (1, 3, 6)
    sweep_run(now=later)
    assert (Interview.objects.count(), Deduction.objects.count(), LadderStep.objects.count(),
            Notification.objects.count()) == snapshot


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_in_parallel_make_no_double_interviews_or_deductions():
    start = at(2026, 3, 2, 9, 0)
    calendar_seed_from_library(years=[2026], now=start)
    world = staff_world(build_world(start), start)
    for matter in (RED, YELLOW, BLUE, GREEN):
        dispatch(world, matter=matter, now=start)
    later = start + timedelta(days=10)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    results = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(sweep_run(now=later))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(r.fired[3] for r in results) == 12  # each breach fired by one sweep only
    assert Interview.objects.count() == 2
    assert Deduction.objects.count() == 6
    assert LadderStep.objects.count() == 12

