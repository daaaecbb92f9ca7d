"""The assessment and indicator APIs: who sees which score, who may appeal."""

from __future__ import annotations

import pytest

from huying.analytics.tests.scenario import AFTER_MARCH, MARCH, build_march
from huying.assessment.models import Deduction
from huying.assessment.services import deductions_from_facts
from huying.cases.tests.conftest import post_json

URL = "/api/v1/assessment"
PERIOD = "period=month&date=2026-03-15"


@pytest.fixture
def march(world):
    scenario = build_march(world)
    deductions_from_facts(county=world.county, start=MARCH[0], end=MARCH[1], now=AFTER_MARCH)
    return scenario


def test_rankings_for_leaders_departments_and_towns(world, march, api_as):
    for user in ("leader", "supervisor", "responder_d25", "initiator_a", "admin"):
        response = api_as(user).get(f"{URL}/rankings?kind=department&{PERIOD}")
        assert response.status_code == 200, (user, response.content)
        assert [r["code"] for r in response.json()["rows"]] == ["D07", "D25", "D05"]
    body = api_as("initiator_a").get(f"{URL}/rankings?kind=town&{PERIOD}").json()
    assert body["label"] == "2026年3月"
    assert body["rows"][0]["details"]["closure_rate"] == {
        "numerator": 5, "denominator": 8, "rate": 0.625, "display": "5/8"}
    assert api_as("volunteer_1").get(f"{URL}/rankings?{PERIOD}").status_code == 403


def test_a_department_sees_only_its_own_deductions(world, march, api_as):
    own = api_as("responder_d05").get(f"{URL}/departments/D05/score?{PERIOD}")
    assert own.status_code == 200
    body = own.json()
    assert body["score"] == 12.16 and len(body["deductions"]) == 7
    assert {d["case_number"] for d in body["deductions"]} == {
        march.cases[k].number for k in ("B", "C", "D")}
    assert api_as("responder_d25").get(f"{URL}/departments/D05/score?{PERIOD}"
                                       ).status_code == 403
    assert api_as("initiator_a").get(f"{URL}/departments/D05/score?{PERIOD}"
                                     ).status_code == 403
    assert api_as("leader").get(f"{URL}/departments/D05/score?{PERIOD}").status_code == 200


def test_appeal_only_own_deductions_and_supervisor_decides(world, march, api_as):
    d05_deduction = Deduction.objects.filter(department=world.dept("D05")).first()
    refused = post_json(api_as("responder_d25"), f"{URL}/appeals",
                        {"deduction_id": d05_deduction.pk, "reason": "不是我们的"})
    assert refused.status_code == 403
    created = post_json(api_as("responder_d05"), f"{URL}/appeals",
                        {"deduction_id": d05_deduction.pk, "reason": "已申请延期"})
    assert created.status_code == 201, created.content
    appeal_id = created.json()["id"]
    assert post_json(api_as("head_d05"), f"{URL}/appeals/{appeal_id}/decide",
                     {"uphold": True}).status_code == 403
    decided = post_json(api_as("supervisor"), f"{URL}/appeals/{appeal_id}/decide",
                        {"uphold": True, "note": "属实"})
    assert decided.status_code == 200
    assert decided.json()["deduction_status"] == "withdrawn"
    score = api_as("responder_d05").get(f"{URL}/departments/D05/score?{PERIOD}").json()
    assert score["score"] == pytest.approx(12.16 + float(d05_deduction.points))


def test_indicators_by_scope(world, march, api_as):
    query = "/api/v1/analytics/indicators?from=2026-03-01&to=2026-03-31"
    body = api_as("leader").get(query).json()
    response = next(i for i in body["indicators"] if i["code"] == "response_rate")
    assert (response["numerator"], response["denominator"], response["name"]) == (
        4, 7, "响应率")
    assert api_as("responder_d05").get(query).status_code == 403
    assert api_as("responder_d05").get(query + "&department=D05").status_code == 200
    assert api_as("responder_d05").get(query + "&department=D25").status_code == 403
    town = world.towns[0].code
    assert api_as("initiator_a").get(query + f"&town={town}").status_code == 200
    assert api_as("initiator_a").get(query + f"&town={world.towns[1].code}"
                                     ).status_code == 403


def test_scheme_name_and_deductions_derived_without_translations_read_in_chinese(world,
                                                                                  api_as):
    """The default scheme and the derived deductions, written while translations were
    off, are message keys: the API reads them in Chinese."""
    from django.utils import translation

    from huying.assessment.models import Scheme
    from huying.assessment.services import scheme_default

    with translation.override("en"):
        build_march(world)
        scheme = scheme_default()
        deductions_from_facts(county=world.county, start=MARCH[0], end=MARCH[1],
                              now=AFTER_MARCH)
        assert str(scheme.name) == "Three dimensions, 14 points"
    assert str(Scheme.objects.get(pk=scheme.pk).name) == "三维度考核（14分）"
    score = api_as("responder_d05").get(f"{URL}/departments/D05/score?{PERIOD}").json()
    assert score["scheme"] == "三维度考核（14分）"
    reasons = [d["reason"] for d in score["deductions"]]
    assert any(r.startswith("签收超时：事项 ") for r in reasons), reasons
    english = ("case", "late", "Unsatisfied", "Rated", "due")
    assert not [r for r in reasons if any(word in r for word in english)], reasons
