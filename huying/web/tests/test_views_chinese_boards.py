"""The all-Chinese check (`test_views_chinese.english_in`) over the boards, town,
volunteer, assessment and public pages, each rendered with data that shows its parts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from huying.assessment.services import appeal_submit, deduction_record
from huying.cases import services as cs
from huying.supervision import slips as sl
from huying.supervision.models import Interview
from huying.supervision.services import case_list_for_supervision
from huying.web.tests.conftest import dispatched, in_triage, report
from huying.web.tests.test_views_chinese import english_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(world, now):
    triage = in_triage(world, now)
    sent = dispatched(world, now)
    replied = dispatched(world, now)
    lead = replied.assignments.get(role="lead")
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已修复",
                        now=now)
    waiting = report(world, now)
    cs.case_call(case=waiting, actor=world.user("initiator_a"), reason="需县级处理", now=now)
    rally = cs.case_rally(case=sent, actor=world.user("initiator_a"), need="清理积水", points=5,
                          now=now)
    claimed = cs.case_rally(case=sent, actor=world.user("initiator_a"), need="搬运物资",
                            points=3, now=now)
    cs.rally_claim(rally=claimed, actor=world.user("volunteer_1"), team=world.team, now=now)
    done = cs.case_rally(case=sent, actor=world.user("initiator_a"), need="疏导交通", points=4,
                         now=now)
    cs.rally_claim(rally=done, actor=world.user("volunteer_1"), team=world.team, now=now)
    cs.rally_complete(rally=done, actor=world.user("volunteer_1"),
                      participants=[world.user("volunteer_1")], outcome="已疏导", now=now)
    assert rally.pk
    sl.slip_issue_supervision(actor=world.user("supervisor"), department=world.dept("D05"),
                              cases=[sent], reason="办理质量不高", now=now)
    Interview.objects.create(case=sent, department=world.dept("D05"), trigger="overdue",
                             colour="red", interviewer_role="centre", interviewee_role="head",
                             created_at=now, source_key="chinese:1")
    case_list_for_supervision(actor=world.user("supervisor"), case=sent, reason="久拖未决",
                              now=now)
    deduction = deduction_record(department=world.dept("D05"), case=sent, rule="sign_breach",
                                 points=Decimal("0.4"), reason="签收超时", now=now,
                                 source_key="chinese:d05")
    appeal_submit(actor=world.user("responder_d05"), deduction=deduction, reason="系统故障",
                  now=now)
    urls = [("supervisor", "/centre/triage"), ("supervisor", "/centre/triage?source=called"),
            ("supervisor", "/centre/triage?source=new&q=nothing-like-this")]
    for tab in ("breaches", "warnings", "interviews", "slips", "listed", "lookback"):
        urls.append(("supervisor", f"/centre/supervision?tab={tab}"))
    urls += [("responder_d05", "/centre/supervision?tab=slips"),
             ("leader", "/centre/supervision?tab=interviews&status=all"),
             ("reviewer_a", "/town?tab=approve"), ("initiator_a", "/town?tab=evaluate"),
             ("initiator_a", "/town?tab=rally"), ("volunteer_1", "/volunteer"),
             ("grid_a", "/volunteer")]
    for period in ("day", "week", "half_month", "month"):
        for ranking in ("department", "department_evaluation", "town", "grid_worker"):
            urls.append(("leader", f"/assessment?period={period}&ranking={ranking}"))
    urls += [("supervisor", "/assessment/departments/D05"),
             ("responder_d05", "/assessment/departments/D05"),
             ("responder_d05", "/assessment"), ("supervisor", "/assessment/appeals"),
             ("responder_d05", "/assessment/appeals"), ("leader", "/assessment/indicators"),
             ("reviewer_a", "/assessment/indicators"),
             ("responder_d05", "/assessment/indicators?period=week")]
    for kind in ("catalogue", "town_duty", "call", "grid_admission"):
        urls.append((None, f"/public/lists?kind={kind}"))
    urls += [(None, "/public/lists?q=路灯"), (None, "/public/lists?q=nothing-like-this"),
             (None, "/public/track"), (None, f"/public/track?number={replied.number}"),
             (None, f"/public/track?number={triage.number}"),
             (None, "/public/track?number=HY-20000101-000001")]
    return urls


def test_every_new_page_is_chinese(world, pages):
    cache.clear()
    usernames = set(world.users)
    failures = {}
    for username, url in pages:
        client = Client()
        if username:
            client.force_login(world.user(username))
        response = client.get(url)
        expected = 404 if url.endswith("HY-20000101-000001") else 200
        assert response.status_code == expected, (username, url, response.status_code)
        words = english_in(response.content.decode(), usernames)
        if words:
            failures[f"{username} {url}"] = sorted(set(words))
    assert not failures, f"untranslated English on pages: {failures}"
