"""Listed supervision (挂牌督办) and the look-back list (回头看)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from huying.cases import services as cs
from huying.common.errors import NotFound, PermissionDenied, ValidationFailed
from huying.supervision.lookback import lookback_cases, working_days_before
from huying.supervision.models import ListedCase
from huying.supervision.services import case_delist, case_list_for_supervision
from huying.supervision.tests.conftest import GREEN, TZ, YELLOW, dispatch


def test_list_and_delist_a_case_with_events(world, now):
    case, _ = dispatch(world, matter=YELLOW, now=now)
    with pytest.raises(PermissionDenied):
        case_list_for_supervision(actor=world.user("responder_d05"), case=case, reason="x",
                                  now=now)
    listing = case_list_for_supervision(actor=world.user("supervisor"), case=case,
                                        reason="群众反复投诉，处置不力", now=now)
    assert listing.active
    with pytest.raises(ValidationFailed):
        case_list_for_supervision(actor=world.user("leader"), case=case, reason="again", now=now)
    delisted = case_delist(actor=world.user("leader"), case=case, note="已整改到位",
                           now=now + timedelta(days=5))
    assert not delisted.active and delisted.delisted_by == world.user("leader")
    with pytest.raises(NotFound):
        case_delist(actor=world.user("supervisor"), case=case, note="x", now=now)
    actions = list(case.events.values_list("action", flat=True))
    assert actions[-2:] == ["listed_supervision", "delisted_supervision"]
    # listed again after delisting: a new listing
    case_list_for_supervision(actor=world.user("supervisor"), case=case, reason="又出现问题",
                              now=now + timedelta(days=10))
    assert ListedCase.objects.filter(case=case).count() == 2


def test_working_days_before_skips_the_spring_festival(db):
    moment = datetime(2026, 2, 25, 10, 0, tzinfo=TZ)
    # 24 Feb is the first working day after the holiday; before it, Sat 14 Feb (make-up).
    assert working_days_before(moment, 1) == datetime(2026, 2, 24, 8, 30, tzinfo=TZ)
    assert working_days_before(moment, 2) == datetime(2026, 2, 14, 8, 30, tzinfo=TZ)


def test_lookback_lists_long_open_and_twice_reopened_cases(world, now):
    old, _ = dispatch(world, matter=GREEN, now=now - timedelta(days=60))
    recent, _ = dispatch(world, matter=GREEN, now=now - timedelta(days=5))
    reworked, _ = dispatch(world, matter=GREEN, now=now - timedelta(days=3))
    responder, initiator = world.user("responder_d05"), world.user("initiator_a")
    for k in range(2):
        moment = now - timedelta(days=2, hours=-k)
        assignment = reworked.assignments.get(cycle=reworked.cycle)
        if assignment.status == "pending":
            cs.assignment_sign(assignment=assignment, actor=responder, now=moment)
        cs.assignment_reply(assignment=assignment, actor=responder, result="已处理", now=moment)
        reworked.refresh_from_db()
        cs.case_evaluate(case=reworked, actor=initiator, stars=1, rating="unsatisfied",
                         comment="未解决", now=moment)
        reworked.refresh_from_db()
    listed = {c.pk: c for c in lookback_cases(county=world.county, now=now)}
    assert old.pk in listed and recent.pk not in listed
    assert reworked.pk in listed and listed[reworked.pk].reopen_count == 2
