"""Assessment pages through the Django client: rankings per period, the drill-down from a
score to each deduction and its case, who sees which department's deductions, appeals, the
indicator table with numerator/denominator, the Excel bulletin."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from huying.assessment.models import Appeal, DeductionStatus
from huying.assessment.services import deduction_record
from huying.web.tests.conftest import dispatched
from tests.factories import figures_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def deductions(world, now):
    case = dispatched(world, now)
    mine = deduction_record(department=world.dept("D05"), case=case, rule="sign_breach",
                            points=Decimal("0.4"), reason="签收超时", now=now,
                            source_key="test:d05")
    theirs = deduction_record(department=world.dept("D25"), case=case, rule="complete_breach",
                              points=Decimal("1.0"), reason="办结超时", now=now,
                              source_key="test:d25")
    figures_refresh(now)
    return case, mine, theirs


def test_rankings_per_period(deductions, client_as):
    client = client_as("leader")
    for period in ("day", "week", "half_month", "month"):
        for ranking in ("department", "department_evaluation", "town", "grid_worker"):
            page = client.get(f"/assessment?period={period}&ranking={ranking}")
            assert page.status_code == 200, (period, ranking)
    html = client.get("/assessment?period=month").content.decode()
    assert "13.60" in html  # 14 − 0.4
    assert "/assessment/departments/D05" in html


def test_drill_down_from_a_score_to_its_deductions(deductions, client_as):
    case, _mine, _theirs = deductions
    html = client_as("supervisor").get("/assessment/departments/D05?period=month"
                                       ).content.decode()
    assert "签收超时" in html and f"/cases/{case.number}" in html and "0.40" in html


def test_a_department_sees_only_its_own_deductions(deductions, client_as):
    client = client_as("responder_d05")
    assert client.get("/assessment/departments/D05").status_code == 200
    assert client.get("/assessment/departments/D25").status_code == 403
    html = client.get("/assessment").content.decode()
    assert "/assessment/departments/D05" in html
    assert "/assessment/departments/D25" not in html
    assert "办结超时" not in client.get("/assessment/appeals").content.decode()


def test_appeal_submitted_by_the_department_and_decided_by_a_supervisor(deductions, client_as):
    _case, mine, theirs = deductions
    responder = client_as("responder_d05")
    assert responder.post(f"/assessment/deductions/{theirs.pk}/appeal",
                          {"reason": "不是我们的"}).status_code == 403
    assert responder.post(f"/assessment/deductions/{mine.pk}/appeal",
                          {"reason": "系统故障导致超时"}).status_code == 302
    appeal = Appeal.objects.get()
    assert client_as("responder_d25").get("/assessment/appeals").content.decode().count(
        "系统故障导致超时") == 0
    supervisor = client_as("supervisor")
    assert "系统故障导致超时" in supervisor.get("/assessment/appeals").content.decode()
    assert responder.post(f"/assessment/appeals/{appeal.pk}/decide",
                          {"decision": "uphold"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "pending"  # a department cannot decide
    assert supervisor.post(f"/assessment/appeals/{appeal.pk}/decide",
                           {"decision": "uphold"}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == DeductionStatus.WITHDRAWN


def test_indicator_table_shows_numerator_and_denominator(deductions, client_as):
    html = client_as("leader").get("/assessment/indicators?period=month").content.decode()
    assert "结案率" in html and "按期结案率" in html and "满意率" in html
    assert '<span class="hy-fraction">0/1</span>' in html or "/1</span>" in html
    assert client_as("reviewer_a").get("/assessment/indicators").status_code == 200
    assert client_as("volunteer_1").get("/assessment/indicators").status_code == 403


def test_bulletin_export(deductions, client_as):
    answer = client_as("leader").get("/assessment/bulletin.xlsx?period=month")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    assert len(book.sheetnames) == 3
    assert client_as("responder_d05").get("/assessment/bulletin.xlsx").status_code == 403
