"""The early-warning page: who may open it, what it shows (in Chinese, with links to the
cases), acknowledge and close, and a query count that does not grow with the warnings."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext_noop

from huying.analytics.models_warnings import EarlyWarning, WarningKind, WarningState
from huying.analytics.tests.simulated import background, plant, span
from huying.analytics.warnings import warnings_scan
from huying.common.messages import message
from huying.org import services as org
from huying.org.models import Level, Role
from huying.web.tests.conftest import report

pytestmark = pytest.mark.django_db


def a_warning(world, now: datetime, *, cases=(), key: str = "1") -> EarlyWarning:
    return EarlyWarning.objects.create(
        county=world.county, kind=WarningKind.REPEATED, key=key,
        title=message(gettext_noop("Repeated reports of %(matter)s at %(place)s"),
                      matter="路灯不亮", place=world.grids[0].name),
        explanation=message(gettext_noop(
            "%(count)d reports of %(matter)s at %(place)s in the last %(days)d days are "
            "still open, the first on %(since)s: %(numbers)s."), count=len(cases),
            matter="路灯不亮", place=world.grids[0].name, days=14, since="2026-03-01",
            numbers="、".join(c.number for c in cases)),
        current=len(cases), case_ids=[c.pk for c in cases], first_seen=now, last_seen=now)


def test_the_centre_sees_a_surge_found_in_simulated_weeks_explained_in_chinese(
        world, now, client_as):
    today = timezone.localdate(now)
    background(world, first=today - timedelta(days=70), last=today)
    planted = plant(world, grid=0, days=span(today, 4), per_day=7)
    warnings_scan(county=world.county, now=now)
    page = client_as("supervisor").get("/centre/warnings")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{world.grids[0].name}诉求激增" in html
    assert "稳健Z值" in html and "自" in html and "持续高于常态" in html
    assert f'href="/cases/{planted[-1].number}"' in html
    assert "网格诉求激增" in html and "重复反映" in html


@pytest.mark.parametrize("user", ["supervisor", "leader", "admin"])
def test_the_centre_leaders_and_administrators_open_the_page(world, now, client_as, user):
    a_warning(world, now, cases=[report(world, now)])
    page = client_as(user).get("/centre/warnings")
    assert page.status_code == 200
    assert "重复反映" in page.content.decode()


@pytest.mark.parametrize("user", ["grid_a", "initiator_a", "responder_d05", "head_d05"])
def test_others_may_not_open_the_page_nor_act_on_a_warning(world, now, client_as, user):
    warning = a_warning(world, now)
    client = client_as(user)
    assert client.get("/centre/warnings").status_code == 403
    assert client.post(f"/centre/warnings/{warning.pk}/close").status_code == 404
    warning.refresh_from_db()
    assert warning.state == WarningState.OPEN


def test_the_centre_of_another_county_does_not_see_this_countys_warning(world, now, client_as):
    other = org.unit_create(actor=None, parent=None, level=Level.COUNTY, name="邻县",
                            code="371098", now=now)
    stranger = org.user_create(actor=None, username="stranger", full_name="外县领导",
                               password="x", now=now)
    org.membership_grant(actor=None, user=stranger, role=Role.LEADER, unit=other, now=now)
    world.users["stranger"] = stranger
    warning = a_warning(world, now)
    client = client_as("stranger")
    assert "重复反映" not in client.get("/centre/warnings").content.decode()
    assert client.post(f"/centre/warnings/{warning.pk}/acknowledge").status_code == 404


def test_acknowledge_then_close(world, now, client_as):
    warning = a_warning(world, now, cases=[report(world, now)])
    client = client_as("supervisor")
    answer = client.post(f"/centre/warnings/{warning.pk}/acknowledge", {"note": "已派员核查"})
    assert answer.status_code == 302
    warning.refresh_from_db()
    assert warning.state == WarningState.ACKNOWLEDGED and warning.note == "已派员核查"
    assert warning.acknowledged_by == world.user("supervisor")
    html = client.get("/centre/warnings").content.decode()
    assert "已知悉" in html and "处置情况：已派员核查" in html
    # Acknowledging twice is refused with a message, nothing changes.
    answer = client.post(f"/centre/warnings/{warning.pk}/acknowledge", follow=True)
    assert "只有未处理的预警可以标记为已知悉" in answer.content.decode()
    client_as("leader").post(f"/centre/warnings/{warning.pk}/close", {"note": "路灯已修复"})
    warning.refresh_from_db()
    assert warning.state == WarningState.CLOSED and warning.closed_by == world.user("leader")
    assert "当前无预警" in client.get("/centre/warnings").content.decode()
    closed = client.get("/centre/warnings?state=closed").content.decode()
    assert "路灯已修复" in closed and "关闭人" in closed


def test_a_bad_action_or_note_is_a_clear_refusal(world, now, client_as):
    warning = a_warning(world, now)
    client = client_as("supervisor")
    assert client.post(f"/centre/warnings/{warning.pk}/delete").status_code == 404
    assert client.post("/centre/warnings/999999/close").status_code == 404
    answer = client.post(f"/centre/warnings/{warning.pk}/close", {"note": "长" * 501},
                         follow=True)
    assert answer.status_code == 200 and "备注请控制在500字以内" in answer.content.decode()
    warning.refresh_from_db()
    assert warning.state == WarningState.OPEN
    assert client.get(f"/centre/warnings/{warning.pk}/close").status_code == 405


def test_the_page_reads_a_fixed_number_of_queries(world, now, client_as,
                                                  django_assert_max_num_queries):
    cases = [report(world, now) for _ in range(3)]
    client = client_as("supervisor")
    a_warning(world, now, cases=cases[:1], key="a")
    with django_assert_max_num_queries(30) as one:
        client.get("/centre/warnings")
    for i in range(8):
        a_warning(world, now, cases=cases, key=f"k{i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/centre/warnings")
    assert page.content.decode().count('class="hy-card p-2 mb-2 hy-warning') == 9
