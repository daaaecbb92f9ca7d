"""Public pages: no sign-in, the published lists with search, and case tracking that shows
public milestones only — no names, phones or reasons — and says so when a number is wrong."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from huying.web.tests.conftest import dispatched

pytestmark = pytest.mark.django_db
PHONE = re.compile(r"1[3-9]\d{9}")


def test_the_lists_need_no_sign_in(world):
    client = Client()
    for kind in ("catalogue", "town_duty", "call", "grid_admission"):
        page = client.get(f"/public/lists?kind={kind}")
        assert page.status_code == 200, kind
        assert "<table" in page.content.decode()
    html = client.get("/public/lists?q=路灯").content.decode()
    assert "路灯" in html and "M002" in html
    assert "没有" in client.get("/public/lists?q=绝对不存在的事项").content.decode()


def test_tracking_shows_milestones_without_personal_data(world, now):
    cache.clear()
    case = dispatched(world, now)
    page = Client().get(f"/public/track?number={case.number.lower()}")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.number in html and "已派单" in html
    assert "张三" not in html and not PHONE.search(html)
    assert "需市级部门处理" not in html  # the call's reason stays inside
    assert "initiator_a" not in html and "supervisor" not in html


def test_a_wrong_number_says_so(world):
    cache.clear()
    page = Client().get("/public/track?number=HY-20000101-999999")
    assert page.status_code == 404
    assert "未找到" in page.content.decode() or "没有" in page.content.decode()


def test_tracking_is_rate_limited(world, settings):
    cache.clear()
    client = Client()
    from huying.web.views import public

    statuses = [client.get("/public/track?number=HY-1").status_code
                for _ in range(public.TRACK_LIMIT + 1)]
    assert statuses[-1] == 429 and statuses[0] == 404
    cache.clear()
