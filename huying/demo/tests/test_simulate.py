from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from huying.cases.audit import case_chain_break
from huying.cases.locating import locator_forget
from huying.cases.models import Case, CaseEvent, CaseStatus, IntakeRecord
from huying.demo.geography import SMALL
from huying.demo.seed import demo_seed
from huying.demo.simulate import REF_PREFIX, SimulationResult, simulate

SEEDED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UNTIL = date(2026, 3, 4)  # Monday 2 to Wednesday 4 March 2026: three working days


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
    return simulate(seed=42, days=3, until=UNTIL, volume=0.6)


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
    again = simulate(seed=42, days=3, until=UNTIL)
    assert again.refused and again.created == 0
    out = StringIO()
    call_command("demo", "simulate", "--until", UNTIL.isoformat(), stdout=out)
    assert out.getvalue().strip() == again.refused
    assert Case.objects.count() == len(cases)


def test_without_the_demo_county_nothing_happens(db):
    result = simulate(seed=42, weeks=1, until=UNTIL)
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
