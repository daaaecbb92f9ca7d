"""Who may do what: every role × action, against an explicit matrix (not derived from
states.py, so a change to the rules has to change this test too)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from huying.cases import services as cs
from huying.cases.models import Channel, Rating
from huying.cases.tests.conftest import MONDAY, called, dispatched, report
from huying.common.errors import PermissionDenied

EVERYONE = ["grid_a", "grid_a2", "grid_b", "community_a", "initiator_a", "reviewer_a",
            "initiator_b", "reviewer_b", "supervisor", "leader", "responder_d05", "head_d05",
            "responder_d25", "responder_d07", "volunteer_1", "admin"]


class Rollback(Exception):
    pass


def allowed(action: Callable[[], object]) -> bool:
    try:
        with transaction.atomic():
            action()
            raise Rollback
    except Rollback:
        return True
    except PermissionDenied:
        return False


def who_may(world, act: Callable[[object], object]) -> set[str]:
    return {name for name in EVERYONE if allowed(lambda name=name: act(world.user(name)))}


def hotline(world):
    lon, lat = world.point_in(0)
    return cs.case_report(actor=None, county=world.county, channel=Channel.HOTLINE_12345,
                          title="占道经营", description="早市占道", longitude=lon, latitude=lat,
                          now=MONDAY)


def test_register_is_for_the_grid_community_town_and_centre_of_the_place(world, now):
    case = hotline(world)
    assert who_may(world, lambda u: cs.case_register(case=case, actor=u, matter_code="M002",
                                                     now=now)) == {
        "grid_a", "community_a", "initiator_a", "supervisor"}


def test_call_is_for_the_towns_own_initiator(world, now):
    case = report(world)
    assert who_may(world, lambda u: cs.case_call(case=case, actor=u, reason="r", now=now)) == {
        "initiator_a"}


def test_call_approval_is_for_the_towns_reviewer(world, now):
    case = report(world)
    case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="r", now=now)
    assert who_may(world, lambda u: cs.case_call_approve(case=case, actor=u, now=now)) == {
        "reviewer_a"}


def test_triage_and_dispatch_are_for_the_command_centre(world, now):
    case = called(world)
    assert who_may(world, lambda u: cs.case_triage(case=case, actor=u, now=now)) == {
        "supervisor"}
    assert who_may(world, lambda u: cs.case_dispatch(case=case, actor=u, lead=world.dept("D05"),
                                                     now=now)) == {"supervisor"}


def test_signing_is_for_the_assigned_department(world, now):
    _case, (lead, co) = dispatched(world)
    assert who_may(world, lambda u: cs.assignment_sign(assignment=lead, actor=u, now=now)) == {
        "responder_d05", "head_d05"}
    assert who_may(world, lambda u: cs.assignment_sign(assignment=co, actor=u, now=now)) == {
        "responder_d25"}


def test_return_decisions_are_for_the_centre(world, now):
    _case, (lead, _co) = dispatched(world)
    cs.assignment_request_return(assignment=lead, actor=world.user("responder_d05"),
                                 reason="非本部门职责", now=now)
    assert who_may(world, lambda u: cs.assignment_decide_return(
        assignment=lead, actor=u, approve=True, now=now)) == {"supervisor"}


def test_evaluation_is_for_the_initiating_side_and_the_centre(world, now):
    case, (lead, _co) = dispatched(world)
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="done",
                        now=now)
    case.refresh_from_db()
    assert who_may(world, lambda u: cs.case_evaluate(
        case=case, actor=u, stars=5, rating=Rating.SATISFIED, now=now)) == {
        "community_a", "initiator_a", "supervisor"}


@pytest.mark.parametrize("name", ["responder_d07", "grid_b", "initiator_b", "leader"])
def test_a_refused_actor_changes_nothing(world, now, name):
    case = called(world)
    before = (case.status, case.version, case.events.count())
    with pytest.raises(PermissionDenied):
        cs.case_dispatch(case=case, actor=world.user(name), lead=world.dept("D05"), now=now)
    case.refresh_from_db()
    assert (case.status, case.version, case.events.count()) == before
