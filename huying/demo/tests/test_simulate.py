from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max

from huying.cases.audit import case_chain_break
from huying.cases.locating import locator_forget
from huying.cases.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseStatus,
    CreditEntry,
    Evaluation,
    ExtensionRequest,
    IntakeRecord,
    RallyCall,
    Rating,
)
from huying.common.errors import ValidationFailed
from huying.demo.geography import SMALL
from huying.demo.seed import COUNTY_CODE, demo_seed
from huying.demo.simulate import (
    REF_PREFIX,
    SimulationResult,
    Simulator,
    simulate,
    simulation_period,
)
from huying.notifications.models import Notification
from huying.org.models import Department, OrgUnit
from huying.supervision.models import LadderStep, SlaClock, Slip

SEEDED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UNTIL = date(2026, 3, 4)  # Monday 2 to Wednesday 4 March 2026: three working days
LATER = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # the real clock, well after UNTIL


@pytest.fixture(autouse=True)
def fresh_locators():
    locator_forget()
    yield
    locator_forget()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run() -> SimulationResult:
    demo_seed(seed=7, sizes=SMALL, now=SEEDED)
    return simulate(seed=42, days=3, until=UNTIL, now=LATER, per_day=38)


def fingerprint() -> list[tuple]:
    cases = list(Case.objects.order_by("number").values_list(
        "number", "status", "level", "channel", "external_ref", "title", "matter_type__code",
        "reported_at", "closed_at"))
    events = list(CaseEvent.objects.order_by("case__number", "seq").values_list(
        "case__number", "seq", "action", "from_status", "to_status", "at"))
    return cases + events


def test_a_simulation_is_deterministic_and_goes_through_the_services(db):
    with transaction.atomic():
        run()
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Case.objects.exists()
    locator_forget()
    result = run()
    assert fingerprint() == first

    # Only the services wrote: every case starts with its report and its chain verifies.
    assert not result.refused and result.errors == []
    cases = list(Case.objects.order_by("pk"))
    assert len(cases) == result.created > 50
    assert all(c.external_ref.startswith(REF_PREFIX) for c in cases)
    first_events = dict(CaseEvent.objects.filter(seq=1).values_list("case_id", "action"))
    assert set(first_events) == {c.pk for c in cases}
    assert set(first_events.values()) == {"report"}
    assert [c.number for c in cases if case_chain_break(c) is not None] == []

    # A plausible spread: most end locally, some reach the departments, work in progress.
    statuses = Counter(c.status for c in cases)
    for status in (CaseStatus.REPORTED, CaseStatus.REGISTERED, CaseStatus.LOCAL,
                   CaseStatus.RESOLVED, CaseStatus.AWAITING_APPROVAL, CaseStatus.DISPATCHED):
        assert statuses[status] > 0, status
    assert len(statuses) >= 8
    assert statuses[CaseStatus.RESOLVED] > statuses[CaseStatus.DISPATCHED]
    actions = set(CaseEvent.objects.values_list("action", flat=True))
    assert {"register", "handle_locally", "resolve_locally", "call", "call_approve",
            "triage", "dispatch", "sign", "reply", "rally"} <= actions

    # Every channel of the registry is used by the demo, several in three days; the
    # duplicates the centre merged came in through another channel than their master.
    from huying.cases.channels import CHANNEL_SEED
    from huying.demo.simulate import INTAKE_CHANNELS

    assert {row[0] for row in INTAKE_CHANNELS} | {"grid", "town"} == {
        row[0] for row in CHANNEL_SEED}
    channels = Counter(c.channel for c in cases)
    others = [n for code, n in channels.items() if code not in {"grid", "town", "12345"}]
    assert len(channels) >= 6 and channels["12345"] > max(others) > 0
    assert sum(result.channels.values()) == len(cases)
    merged = [c for c in cases if c.status == CaseStatus.MERGED]
    assert all(c.channel != c.merged_into.channel for c in merged)
    assert IntakeRecord.objects.filter(source_system="12345政务服务平台").exists()

    # Some hotline callers give no point: their words locate the case (the gazetteer).
    assert "locate" in actions
    assert Case.objects.filter(longitude__isnull=True, gazetteer_location__source="text",
                               grid__isnull=False).exists()

    # A second run refuses politely.
    again = simulate(seed=42, days=3, until=UNTIL, now=LATER)
    assert again.refused and again.created == 0
    out = StringIO()
    call_command("demo", "simulate", "--until", UNTIL.isoformat(), stdout=out)
    assert out.getvalue().strip() == again.refused
    assert Case.objects.count() == len(cases)


def test_without_the_demo_county_nothing_happens(db):
    result = simulate(seed=42, weeks=1, until=UNTIL, now=LATER)
    assert result.refused and not Case.objects.exists()


def test_a_duplicate_comes_in_through_another_channel_than_its_original():
    import random

    from huying.demo.simulate import INTAKE_CHANNELS, SimCase, Simulator

    sim = Simulator.__new__(Simulator)
    sim.rng = random.Random(3)
    for code, *_rest in INTAKE_CHANNELS:
        original = SimCase(case=None, source="hotline", matter=None, grid=None, channel=code)
        drawn = {sim.channel_for("hotline", "", original)[0] for _ in range(200)}
        assert code not in drawn and len(drawn) >= 5
    first = {sim.channel_for("hotline", "", None)[0] for _ in range(2000)}
    assert first == {row[0] for row in INTAKE_CHANNELS}
    assert sim.channel_for("grid", "", None)[0] == "grid"
    assert sim.channel_for("hotline", "sign", None)[0] == "12345"


SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


# Every "this happened at" column the simulation's services write (deadlines such as
# due_at or evaluation_due_at lie in the future by nature and are left out).
HAPPENED_AT = [
    (Case, ["reported_at", "dispatched_at", "replied_at", "closed_at", "updated_at",
            "suspended_at"]),
    (CaseEvent, ["at"]), (IntakeRecord, ["received_at"]),
    (Assignment, ["dispatched_at", "signed_at", "replied_at"]),
    (SlaClock, ["started_at", "paused_at", "stopped_at", "breached_at"]),
    (ExtensionRequest, ["requested_at", "decided_at"]), (Evaluation, ["evaluated_at"]),
    (RallyCall, ["created_at", "claimed_at", "completed_at"]), (CreditEntry, ["at"]),
    (Notification, ["created_at"]), (LadderStep, ["created_at"]), (Slip, ["issued_at"]),
]


def test_the_clock_stops_at_now_when_the_last_day_is_today(db):
    now = datetime(2026, 3, 4, 10, 30, tzinfo=SHANGHAI)  # a Wednesday morning
    demo_seed(seed=7, sizes=SMALL, now=SEEDED)
    out, err = StringIO(), StringIO()
    with time_machine.travel(now, tick=False):
        call_command("demo", "simulate", "--weeks", "1", "--per-day", "25", stdout=out,
                     stderr=err)
    latest = {f"{model.__name__}.{name}": value
              for model, names in HAPPENED_AT
              for name, value in model.objects.aggregate(
                  **{name: Max(name) for name in names}).items() if value is not None}
    assert {"Case.reported_at", "CaseEvent.at", "SlaClock.started_at",
            "Assignment.signed_at"} <= set(latest)
    assert {label: value for label, value in latest.items() if value > now} == {}
    # It did play this morning up to the clock (reports are filed every few minutes).
    assert latest["Case.reported_at"] > now - timedelta(hours=1)
    # Not a terminal: a progress line per tenth of the way (here, each of the seven days).
    lines = err.getvalue().splitlines()
    assert len(lines) == 7 and lines[-1].startswith("[" + "#" * 24 + "] 100%")
    assert "2026-03-04" in lines[-1] and "\r" not in err.getvalue()


def test_a_future_last_day_is_refused_with_a_clear_error():
    today = datetime(2026, 3, 4, 10, 30, tzinfo=SHANGHAI)
    with time_machine.travel(today, tick=False), pytest.raises(CommandError) as refused:
        call_command("demo", "simulate", "--until", "2026-03-05")
    assert "2026-03-05" in str(refused.value) and "2026-03-04" in str(refused.value)


@pytest.mark.parametrize("options", [
    {"weeks": 2, "months": 1}, {"months": 0}, {"months": 25}, {"weeks": 0}, {"days": 0},
])
def test_lengths_out_of_range_are_refused(options):
    with pytest.raises(ValidationFailed):
        simulation_period(now=LATER, until=UNTIL, **options)


@pytest.mark.parametrize("per_day", [0, 5001])
def test_a_volume_out_of_range_is_refused(per_day):
    with pytest.raises(ValidationFailed):
        simulate(now=LATER, until=UNTIL, per_day=per_day)


MORNING = datetime(2026, 3, 24, 9, 15, tzinfo=SHANGHAI)  # a Tuesday


@pytest.mark.parametrize(("until", "options", "first", "end"), [
    (date(2026, 12, 3), {"months": 3}, date(2026, 9, 4), datetime(2026, 12, 3, 18, 0)),
    (date(2026, 3, 31), {"months": 1}, date(2026, 3, 1), datetime(2026, 3, 31, 18, 0)),
    (date(2026, 3, 30), {"months": 1}, date(2026, 3, 1), datetime(2026, 3, 30, 18, 0)),
    (date(2026, 1, 15), {"months": 13}, date(2024, 12, 16), datetime(2026, 1, 15, 18, 0)),
    (date(2026, 3, 23), {"days": 3}, date(2026, 3, 21), datetime(2026, 3, 23, 18, 0)),
])
def test_the_period_counts_back_from_a_past_last_day_to_its_evening(until, options, first,
                                                                     end):
    assert simulation_period(now=datetime(2027, 1, 10, 9, 0, tzinfo=SHANGHAI), until=until,
                             **options) == (first, end.replace(tzinfo=SHANGHAI))


@pytest.mark.parametrize(("until", "options", "first"), [
    (None, {}, date(2026, 2, 25)),  # four weeks up to now
    (date(2026, 3, 24), {"weeks": 1}, date(2026, 3, 18)),
    (None, {"months": 2}, date(2026, 1, 25)),
])
def test_a_period_that_ends_today_stops_at_now(until, options, first):
    assert simulation_period(now=MORNING, until=until, **options) == (first, MORNING)


def test_two_weeks_show_every_mechanism(db):
    demo_seed(seed=7, sizes=SMALL, now=SEEDED)
    result = simulate(seed=42, days=14, until=date(2026, 3, 15), now=LATER, per_day=40)
    assert not result.refused and result.errors == []
    actions = Counter(CaseEvent.objects.values_list("action", flat=True))
    for action in ("call", "call_approve", "call_deny", "request_return", "approve_return",
                   "request_extension", "decide_extension", "reopen", "suspend", "merge",
                   "rally"):
        assert actions[action] > 0, action

    # The late departments breach their limits far more often than the others.
    late = set(Department.objects.filter(name__in=result.late_departments)
               .values_list("pk", flat=True))
    assert len(late) == 3
    breached = Counter()
    for clock in SlaClock.objects.select_related("assignment"):
        side = "late" if clock.assignment.department_id in late else "others"
        breached[side, clock.breached_at is not None] += 1
    share = {side: breached[side, True] / (breached[side, True] + breached[side, False])
             for side in ("late", "others")}
    assert share["late"] > 2 * share["others"]

    # And the dissatisfied town's residents rate its work unsatisfied more often.
    unsatisfied = Counter()
    for town, rating in Evaluation.objects.values_list("case__town__name", "rating"):
        side = "dissatisfied" if town in result.dissatisfied_towns else "others"
        unsatisfied[side, rating == Rating.UNSATISFIED] += 1
    assert len(result.dissatisfied_towns) == 1 and unsatisfied["dissatisfied", True] > 0
    rate = {side: unsatisfied[side, True] / (unsatisfied[side, True]
                                             + unsatisfied[side, False])
            for side in ("dissatisfied", "others")}
    assert rate["dissatisfied"] > 2 * rate["others"]


def test_the_days_follow_the_week_the_hours_and_the_holidays(db):
    # 27 April to 10 May 2026: Labour Day from Friday 1 to Tuesday 5 May, Saturday 9 May a
    # make-up working day (调休). Only the plans are drawn: nothing is played.
    demo_seed(seed=7, sizes=SMALL, now=SEEDED)
    county = OrgUnit.objects.get(code=COUNTY_CODE)
    first = date(2026, 4, 27)
    sim = Simulator(county=county, seed=42, start=first, report=lambda _t: None,
                    end=datetime(2026, 5, 10, 18, 0, tzinfo=SHANGHAI), progress=None,
                    scale=1.0)
    for offset in range(14):
        sim._plan_day(first + timedelta(days=offset))
    reports = [task.when.astimezone(SHANGHAI) for task in sim.queue if task.kind == "report"
               and not task.data.get("showcase")]
    per_day = Counter(when.date() for when in reports)
    assert [sim.kind_of_day(first + timedelta(days=n)) for n in range(14)] == [
        *["workday"] * 4, *["holiday"] * 5, *["workday"] * 4, "weekend"]
    workdays = [per_day[date(2026, 4, d)] for d in (27, 28, 29, 30)] + [
        per_day[date(2026, 5, d)] for d in (6, 7, 8)]
    assert 50 < sum(workdays) / len(workdays) < 75  # PER_DAY_DEFAULT = 63
    assert per_day[date(2026, 4, 27)] > per_day[date(2026, 4, 30)]  # Monday, Thursday
    holidays = [per_day[date(2026, 5, d)] for d in (1, 2, 3, 4, 5)]
    assert max(holidays) < per_day[date(2026, 5, 10)] < min(workdays)
    # Patrols slacken over lunch and stop in the evening; the hotline answers till ten.
    grid = Counter(t.when.astimezone(SHANGHAI).hour for t in sim.queue
                   if t.kind == "report" and t.data["source"] == "grid")
    hotline = Counter(t.when.astimezone(SHANGHAI).hour for t in sim.queue
                      if t.kind == "report" and t.data["source"] == "hotline")
    assert grid[10] > 2 * grid[12] and sum(grid[h] for h in range(18, 24)) == 0
    assert sum(hotline[h] for h in range(18, 22)) > 0 and hotline[10] > hotline[19]
