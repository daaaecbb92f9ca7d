"""The big screen's page and the leader's dashboard: who may open them, that they read
Chinese, the drill-down from the dashboard into the case list, and query counts that do not
grow with the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from huying.analytics.tests.simulated import background
from huying.cases.models import Case
from huying.org import services as org
from huying.org.models import Level
from huying.supervision.sweep import sweep_run
from huying.web.tests.conftest import dispatched, report
from huying.web.tests.test_views_chinese import english_in
from tests.factories import figures_refresh, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world, now):
    """Town A: a local report, a grid report, a case dispatched to D05 a fortnight ago
    (overdue now); town B: one report."""
    local = report(world, now)
    grid = report(world, now, by="grid_a", channel="grid")
    late = dispatched(world, now - timedelta(days=14))
    other = report(world, now, by="initiator_b", grid=2)
    sweep_run(now=now)
    figures_refresh(now)
    return {"local": local, "grid": grid, "late": late, "other": other}


# ---------------------------------------------------------------------------------------
# the big screen


@pytest.mark.parametrize("user", ["supervisor", "leader", "admin"])
def test_the_big_screen_opens_for_the_county_roles_in_chinese(world, cases, client_as, user):
    page = client_as(user).get("/screen/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "示范市“乡呼县应”联动指挥中心" in html and "部门排名" in html
    assert "/api/v1/screen/counters?period=month" in html  # the feeds it polls
    assert "vendor/echarts/echarts.min.js" in html and "vendor/leaflet/leaflet.js" in html
    assert f'"code": "{world.towns[0].code}"' in html  # the base map's polygons
    assert "hy-topbar" not in html  # its own frame, not the normal top bar
    assert english_in(html, set(world.users)) == []


@pytest.mark.parametrize("user", ["responder_d05", "head_d05", "reviewer_a", "initiator_a",
                                  "grid_a", "volunteer_1"])
def test_others_may_not_open_the_big_screen(world, client_as, user):
    assert client_as(user).get("/screen/").status_code == 403


def test_the_big_screen_asks_for_a_sign_in_and_refuses_bad_periods(world, client,
                                                                   client_as):
    assert client.get("/screen/").status_code == 302
    supervisor = client_as("supervisor")
    assert supervisor.get("/screen/?period=fortnight").status_code == 400
    page = supervisor.get("/screen/?period=year").content.decode()
    assert 'class="active" aria-current="true">今年' in page
    assert "/api/v1/screen/towns?period=year" in page


def test_another_county_is_refused(world, client_as, now):
    other = org.unit_create(actor=None, parent=None, level=Level.COUNTY, name="邻县",
                            code="371098", geometry=square(121.0, 37.0, 0.4), now=now)
    assert client_as("leader").get(f"/screen/?county={other.code}").status_code == 403
    admin = client_as("admin")
    page = admin.get(f"/screen/?county={other.code}")
    assert page.status_code == 200 and "邻县" in page.content.decode()
    assert "county=371098" in page.content.decode()


def test_the_navigation_offers_the_big_screen_to_the_centre_and_leaders(world, client_as):
    assert 'href="/screen/"' in client_as("supervisor").get("/").content.decode()
    assert 'href="/screen/"' in client_as("leader").get("/").content.decode()
    assert 'href="/screen/"' not in client_as("responder_d05").get("/").content.decode()


# ---------------------------------------------------------------------------------------
# the leader's dashboard


def test_the_leaders_home_is_the_dashboard_in_chinese(world, cases, client_as):
    leader = client_as("leader")
    page = leader.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "领导驾驶舱" in html and 'id="hd-trend"' in html and 'id="hd-map"' in html
    assert html.count('class="hy-card d-block p-2 h-100') == 8  # the chain of counters
    assert "结案率" in html and "期内受理" in html  # indicators with their definitions
    assert cases["late"].number in html  # overdue, in the hot list
    assert "张三" not in html and "13912345678" not in html
    assert english_in(html, set(world.users)) == []
    # the queues stay where they were
    queue = leader.get("/?tab=all")
    assert "领导驾驶舱" not in queue.content.decode()
    assert cases["other"].number in queue.content.decode()


def test_the_dashboard_drills_down_from_the_county_to_a_grid(world, cases, client_as):
    leader = client_as("leader")
    town = world.towns[0]
    county = leader.get("/").content.decode()
    assert f'href="?period=month&amp;unit={town.code}"' in county
    page = leader.get(f"/?unit={town.code}")
    html = page.content.decode()
    assert page.status_code == 200 and world.communities[0].name in html
    assert english_in(html, set(world.users)) == []
    community = leader.get(f"/?unit={world.communities[0].code}").content.decode()
    assert world.grids[0].name in community
    # a grid row opens the case list of the grid
    assert f"tab=all&amp;unit={world.grids[0].code}" in community
    assert leader.get("/?unit=NOPE").status_code == 400
    assert leader.get("/?period=someday").status_code == 400


def test_the_drill_down_filters_of_the_case_list(world, cases, client_as):
    leader = client_as("leader")
    town_b = world.towns[1]

    def numbers(query: str) -> set[str]:
        html = leader.get(f"/?tab=all&{query}").content.decode()
        return {number for number in (c.number for c in Case.objects.all()) if number in html}

    assert numbers(f"unit={town_b.code}") == {cases["other"].number}
    assert numbers("overdue=1") == {cases["late"].number}
    assert numbers("department=D05") == {cases["late"].number}
    assert numbers("channel=grid") == {cases["grid"].number}
    assert numbers("unit=NOPE") == set()
    html = leader.get(f"/?tab=all&unit={town_b.code}&overdue=1").content.decode()
    assert 'id="drill-down"' in html and town_b.name in html and "当前超期" in html
    assert f'name="unit" value="{town_b.code}"' in html  # kept by the filter form
    assert english_in(html, set(world.users)) == []
    # the department staff's own queue narrows the same way
    responder = client_as("responder_d05")
    assert cases["late"].number in responder.get(
        "/?tab=to_sign&overdue=1").content.decode()


def test_the_dashboard_costs_a_fixed_number_of_queries(world, cases, client_as, now,
                                                       django_assert_max_num_queries):
    leader = client_as("leader")
    # a little work inside the period first: whether the period holds any department
    # (whose names the page then reads) must not depend on the day the test runs
    dispatched(world, now - timedelta(hours=2))
    figures_refresh(now)
    leader.get("/")
    with django_assert_max_num_queries(45) as first:
        assert leader.get("/").status_code == 200
    counted = len(first.captured_queries)  # now: the log of queries is a bounded deque
    today = timezone.localdate(now)
    background(world, first=today - timedelta(days=40), last=today, per_day=3,
               grids=(0, 1, 2, 3))
    for _ in range(3):  # more work for D05 and D25
        dispatched(world, now - timedelta(days=3))
    figures_refresh(now)
    leader.get("/")  # the per-process caches (channel labels: a minute) may have lapsed
    with django_assert_max_num_queries(counted):
        assert leader.get("/").status_code == 200
