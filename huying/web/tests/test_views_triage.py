"""What the triage board shows of smart triage: the sensitive flag and its reason, the
待定位 tab, registering a hotline report inline, and a page's query count that does not
grow with its cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huying.cases import services as cs
from huying.cases.models import Case, CaseStatus, Channel
from huying.web.tests.conftest import HTMX

pytestmark = pytest.mark.django_db


def hotline(world, now, description: str, **extra) -> Case:
    return cs.case_report(actor=None, county=world.county, channel=Channel.HOTLINE_12345,
                          title=description[:12], description=description, now=now, **extra)


def test_a_flagged_report_shows_its_reason_first_on_the_board(world, now, client_as):
    plain = hotline(world, now - timedelta(hours=1), "小区门口路灯不亮三天了")
    flagged = hotline(world, now, "三十多名农民工的工资拖了半年没发，明天要一起去县政府讨说法")
    html = client_as("supervisor").get("/centre/triage").content.decode()
    assert html.index(flagged.number) < html.index(plain.number)
    assert "涉稳：" in html and "拖欠多名工人工资（命中 " in html


def test_the_to_be_located_tab_holds_the_reports_no_grid_was_found_for(world, now, client_as):
    nowhere = hotline(world, now, "我家门口的路灯不亮")
    lon, lat = world.point_in(0)
    placed = hotline(world, now, "菜市场路灯不亮", longitude=lon, latitude=lat)
    client = client_as("supervisor")
    html = client.get("/centre/triage?source=unlocated").content.decode()
    assert nowhere.number in html and placed.number not in html
    assert "待定位" in html


def test_a_hotline_report_is_registered_inline_then_dispatched(world, now, client_as):
    lon, lat = world.point_in(0)
    case = hotline(world, now, "菜市场东门路灯不亮", longitude=lon, latitude=lat)
    client = client_as("supervisor")
    html = client.get("/centre/triage").content.decode()
    assert f"/centre/triage/{case.number}/register" in html
    answer = client.post(f"/centre/triage/{case.number}/register",
                         {"matter": "M002", "expected_version": case.version}, **HTMX)
    assert answer.status_code == 200 and "已立案" in answer.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED and case.matter_type.code == "M002"
    assert f"/centre/triage/{case.number}/dispatch" in answer.content.decode()


def test_a_page_of_the_board_costs_the_same_queries_for_1_or_12_cases(
        world, now, client_as, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("supervisor")
    hotline(world, now, "三十多名农民工的工资拖了半年没发，要一起去县政府讨说法")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/centre/triage").status_code == 200
    for i in range(11):
        hotline(world, now + timedelta(minutes=i),
                f"第{i}位工友说：三十多名农民工工资拖欠，要集体上访")
    with CaptureQueriesContext(connection) as twelve:
        assert client.get("/centre/triage").status_code == 200
    assert len(twelve) <= len(one) + 2, "\n".join(q["sql"][:150] for q in twelve.captured_queries)


def test_the_suggested_matter_types_are_shown_and_the_first_comes_preselected(
        world, now, client_as):
    from huying.routing.models import CaseSuggestion

    lon, lat = world.point_in(0)
    case = hotline(world, now, "菜市场东门那几盏灯晚上都不亮", longitude=lon, latitude=lat)
    CaseSuggestion.objects.create(case=case, model_version="t", created_at=now, suggestions=[
        {"code": "M002", "confidence": 0.999}, {"code": "M088", "confidence": 0.0006}])
    html = client_as("supervisor").get("/centre/triage").content.decode()
    assert "事项建议" in html and "路灯不亮 99%" in html and "100%" not in html
    assert f'data-matter-for="item-{case.pk}-forms"' in html
    assert '<option value="M002" selected>' in html


def test_a_duplicate_candidate_is_shown_beside_the_report_with_merge(world, now, client_as):
    from huying.duplicates.models import DuplicateCandidate

    lon, lat = world.point_in(0)
    master = hotline(world, now - timedelta(hours=3), "幸福路东段下水道堵了，污水漫到路上",
                     longitude=lon, latitude=lat)
    case = cs.case_report(actor=None, county=world.county, channel=Channel.CITY_MANAGEMENT,
                          title="污水外溢", description="幸福路东段污水井冒水外溢",
                          longitude=lon, latitude=lat, now=now)
    candidate = DuplicateCandidate.objects.create(
        case=case, master=master, score=0.93, distance_m=12, created_at=now,
        reasons=[{"key": "%(metres)d m apart", "params": {"metres": 12}}])
    html = client_as("supervisor").get("/centre/triage").content.decode()
    assert "疑似重复：1 件" in html and "本件" in html and "相距 12 米" in html
    assert f'hx-post="/centre/duplicates/{candidate.pk}/merge"' in html
