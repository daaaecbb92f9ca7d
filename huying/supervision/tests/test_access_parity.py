"""The API and the pages answer "who may see / do what" alike (`cases/access.py`): for the
same object and the same person, the same status — 404 for what the person may not see,
403 for a visible object whose action is not theirs, success otherwise (a page's redirect
after a successful form counts as success, like the API's 200)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from huying.supervision import slips as sl
from huying.supervision.models import Interview, Slip, SlipStatus
from huying.supervision.sweep import sweep_run
from huying.supervision.tests.conftest import RED, YELLOW, dispatch

OK = "ok"
# Someone of each kind: the centre, a leader with a leader post, the lead department, another
# department, a grid worker of the case's town, and a volunteer with no place at all.
ROLES = ("supervisor", "party_leader", "responder_d05", "responder_d01", "grid_a",
         "volunteer_1")


def client_for(world, username: str) -> Client:
    client = Client()
    client.force_login(world.user(username))
    return client


def outcome(response) -> str | int:
    return OK if 200 <= response.status_code < 400 else response.status_code


def both(world, username: str, page, api, reset=None) -> tuple[str | int, str | int]:
    """The page's answer and the API's; `reset` puts the object back in between, so the API
    is asked about the same state the page was."""
    client = client_for(world, username)
    first = outcome(page(client))
    if reset is not None:
        reset()
    return first, outcome(api(client))


@pytest.fixture
def slip(world, now):
    case, _ = dispatch(world, matter=YELLOW, now=now)
    return sl.slip_issue_supervision(actor=world.user("supervisor"), department=world.dept("D05"),
                                     cases=[case], reason="答复不规范", deadline=None, now=now)


@pytest.mark.parametrize(("username", "expected"), [
    ("supervisor", OK), ("party_leader", OK), ("responder_d05", OK),
    ("responder_d01", 404), ("grid_a", 404), ("volunteer_1", 404)])
def test_a_slip_is_seen_by_the_same_people_on_the_page_and_through_the_api(
        world, slip, username, expected):
    page, api = both(world, username,
                     lambda c: c.get(f"/centre/supervision/slips/{slip.pk}/document"),
                     lambda c: c.get(f"/api/v1/supervision/slips/{slip.pk}/document"))
    assert page == api == expected


@pytest.mark.parametrize(("username", "expected"), [
    ("supervisor", 403), ("party_leader", 403), ("responder_d05", OK),
    ("responder_d01", 404), ("grid_a", 404), ("volunteer_1", 404)])
def test_only_the_department_replies_to_its_slip_and_strangers_do_not_learn_of_it(
        world, slip, username, expected):
    page, api = both(world, username,
                     lambda c: c.post(f"/centre/supervision/slips/{slip.pk}/reply",
                                      {"reply": "已整改"}),
                     lambda c: c.post(f"/api/v1/supervision/slips/{slip.pk}/reply",
                                      json.dumps({"reply": "已整改"}),
                                      content_type="application/json"),
                     reset=lambda: Slip.objects.filter(pk=slip.pk).update(
                         status=SlipStatus.ISSUED, reply="", replied_at=None))
    assert page == api == expected


@pytest.mark.parametrize(("username", "expected"), [
    ("supervisor", OK), ("party_leader", OK), ("responder_d05", 403),
    ("responder_d01", 404), ("grid_a", 404), ("volunteer_1", 404)])
def test_an_interview_is_scheduled_by_the_same_people_on_the_page_and_through_the_api(
        world, now, username, expected):
    dispatch(world, matter=RED, now=now)
    sweep_run(now=now + timedelta(days=3))
    interview = Interview.objects.get()
    later = now + timedelta(days=3)
    at = (later + timedelta(days=1)).replace(hour=9, minute=30)
    with time_machine.travel(later, tick=False):
        page, api = both(
            world, username,
            lambda c: c.post(f"/centre/supervision/interviews/{interview.pk}/schedule",
                             {"scheduled_for": at.strftime("%Y-%m-%dT%H:%M")}),
            lambda c: c.post(f"/api/v1/supervision/interviews/{interview.pk}/schedule",
                             json.dumps({"scheduled_for": at.isoformat()}),
                             content_type="application/json"))
    assert page == api == expected


@pytest.mark.parametrize(("username", "expected"), [
    ("supervisor", OK), ("party_leader", OK), ("responder_d05", OK),
    ("responder_d01", 403), ("grid_a", 403), ("volunteer_1", 403)])
def test_a_departments_score_is_shown_to_the_same_people_on_the_page_and_through_the_api(
        world, username, expected):
    page, api = both(world, username,
                     lambda c: c.get("/assessment/departments/D05?date=2026-03-02"),
                     lambda c: c.get("/api/v1/assessment/departments/D05/score?date=2026-03-02"))
    assert page == api == expected


@pytest.mark.parametrize(("username", "expected"), [
    ("supervisor", OK), ("party_leader", OK), ("responder_d05", OK),
    ("responder_d01", 404), ("grid_a", OK), ("volunteer_1", 404)])
def test_a_case_is_seen_by_the_same_people_on_the_page_and_through_the_api(
        world, now, username, expected):
    case, _ = dispatch(world, matter=YELLOW, now=now)
    page, api = both(world, username, lambda c: c.get(f"/cases/{case.number}"),
                     lambda c: c.get(f"/api/v1/cases/{case.number}"))
    assert page == api == expected
