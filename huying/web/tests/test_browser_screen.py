"""The big screen at 1920×1080 and the leader's dashboard on a phone, through a real browser
(Debian's chromium): the charts draw, the map shows the county's own polygons and the
hexagons of the density feed without any tile server, the counters show numbers, a failed
poll shows "connection lost"; screenshots go to VAR_DIR/screenshots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from huying.analytics.tests.simulated import background, plant, span
from huying.analytics.warnings import warnings_scan
from huying.cases import services as cs
from huying.cases.models import Case, Channel
from huying.supervision.sweep import sweep_run
from huying.web.tests.browser import (  # noqa: F401
    PHONE,
    browser,
    screenshot,
    seeded_calendar,
    sign_in,
)
from tests.factories import World, build_world, figures_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WALL = {"width": 1920, "height": 1080}
# What sticks out on the right of a phone (tables and maps scroll inside themselves).
WIDER_THAN_THE_PHONE = """Array.from(document.querySelectorAll('body *')).filter(
    e => e.getBoundingClientRect().right > 391
         && !e.closest('.table-responsive, .leaflet-container')).slice(0, 5)
    .map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"""


def _report(world: World, *, at, grid: int, matter: str, channel: str = Channel.TOWN,
            by: str = "") -> Case:
    by = by or ("initiator_a" if grid < 2 else "initiator_b")
    lon, lat = world.point_in(grid)
    case = cs.case_report(actor=world.user(by), county=world.county, channel=channel,
                          title="路灯不亮", description="新华路中段连续五六盏路灯不亮。",
                          longitude=lon + 0.01 * (grid % 2), latitude=lat,
                          reporter_name="张三", reporter_phone="13912345678", now=at)
    return cs.case_register(case=case, actor=world.user(by), matter_code=matter, now=at)


def _dispatched(world: World, *, at, lead: str, matter: str = "M002", grid: int = 0) -> Case:
    by = "initiator_a" if grid < 2 else "initiator_b"
    reviewer = "reviewer_a" if grid < 2 else "reviewer_b"
    case = _report(world, at=at, grid=grid, matter=matter, by=by)
    case = cs.case_call(case=case, actor=world.user(by), reason="需县级部门处理", now=at)
    case = cs.case_call_approve(case=case, actor=world.user(reviewer), now=at)
    cs.case_dispatch(case=case, actor=world.user("supervisor"), lead=world.dept(lead), now=at)
    case.refresh_from_db()
    return case


def busy(world: World) -> None:
    """Six weeks of reports in three grids, a burst in one grid (an early warning), work
    dispatched to four departments — some replied, some overdue — and open red cases."""
    now = timezone.now()
    today = timezone.localdate(now)
    background(world, first=today - timedelta(days=45), last=today, per_day=3,
               grids=(0, 1, 2, 3))
    plant(world, grid=0, days=span(today, 4), per_day=6)
    earlier, recent = now - timedelta(days=10), now - timedelta(hours=2)
    for index, lead in enumerate(("D05", "D05", "D07", "D11", "D01", "D05", "D11")):
        case = _dispatched(world, at=earlier if index % 2 else recent, lead=lead,
                           grid=index % 4, matter=("M002", "M018", "M001")[index % 3])
        if index in (0, 3, 4):
            lead_assignment = case.assignments.get(role="lead")
            user = world.user(f"responder_{lead.lower()}")
            cs.assignment_sign(assignment=lead_assignment, actor=user, now=case.dispatched_at)
            cs.assignment_reply(assignment=lead_assignment, actor=user, result="已处理。",
                                now=case.dispatched_at + timedelta(hours=1))
    for grid in (1, 2):
        _report(world, at=recent, grid=grid, matter="M018")  # red, open at the town
    _report(world, at=recent, grid=0, matter="M002", channel=Channel.GRID, by="grid_a")
    sweep_run(now=now)
    figures_refresh(now)
    warnings_scan(county=world.county, now=now)


def screens(page, name: str) -> None:
    """The whole page, and each phone screen of it one after the other (to look at)."""
    screenshot(page, name)
    folder = screenshot(page, name).parent
    height = page.evaluate("document.documentElement.scrollHeight")
    step = page.viewport_size["height"]
    for index, top in enumerate(range(0, height, step)):
        page.evaluate(f"window.scrollTo(0, {top})")
        page.screenshot(path=str(folder / f"{name}-{index + 1}.png"))
    page.evaluate("window.scrollTo(0, 0)")


@pytest.fixture
def world(seeded_calendar):  # noqa: F811
    world = build_world(timezone.now())
    busy(world)
    return world


def test_the_big_screen_on_the_wall(browser, live_server, world):  # noqa: F811
    page = sign_in(browser, live_server.url, "supervisor", viewport=WALL)
    page.goto(f"{live_server.url}/screen/")
    page.wait_for_function(
        "(document.body.dataset.ready || '').split(' ').length === 8", timeout=20000)
    # the counters show the chain with numbers
    values = page.locator("#hs-counters .value").all_inner_texts()
    assert len(values) == 8 and int(values[0].replace(",", "")) > 0
    assert page.locator("#hs-counters .label").first.inner_text() == "受理"
    # the charts drew on their canvases; the map has its towns and hexagons
    assert page.locator("#hs-trend canvas").count() == 1
    assert page.locator("#hs-channels canvas").count() == 1
    assert page.locator("#hs-map path.leaflet-interactive").count() > 3
    assert page.locator("#hs-map .hs-town-label").all_inner_texts() == [
        t.name for t in world.towns]
    assert page.locator("#hs-map img.leaflet-tile").count() == 0  # no tile server
    assert page.locator("#hs-departments tr").count() >= 3
    assert page.locator("#hs-towns tr").count() == 2
    assert page.locator("#hs-hot tr").count() >= 3
    assert "张三" not in page.content() and "13912345678" not in page.content()
    assert page.locator("#hs-warnings li").count() >= 1
    assert "诉求激增" in page.locator("#hs-warnings").inner_text()
    assert page.locator("#hs-time").inner_text().count(":") == 2
    assert "更新于" in page.locator("#hs-live").inner_text()
    # every panel fits the wall: nothing spills past 1080 pixels
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    screenshot(page, "screen-wall")
    assert not page.js_errors, page.js_errors

    # a hidden tab stops polling; shown again, it polls every feed at once
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/api/v1/screen/" in r.url else None)
    page.wait_for_function("window.hyScreen.pending() === 8")
    set_hidden(page, True)
    assert page.evaluate("window.hyScreen.pending()") == 0
    assert "暂停" in page.locator("#hs-live").inner_text()
    # the server goes away meanwhile: the next polls say so, discreetly
    page.route("**/api/v1/screen/counters*", lambda route: route.abort())
    set_hidden(page, False)
    page.wait_for_function("document.getElementById('hs-live').classList.contains('lost')")
    assert "连接中断" in page.locator("#hs-live").inner_text()
    assert len(polls) >= 8
    assert "stale" in page.locator(".hs-counters").get_attribute("class")
    # and back: the next poll of the counters (within ten seconds after a failure) clears it
    page.unroute("**/api/v1/screen/counters*")
    set_hidden(page, True)
    set_hidden(page, False)
    page.wait_for_function("!document.getElementById('hs-live').classList.contains('lost')")
    assert "stale" not in page.locator(".hs-counters").get_attribute("class")


def set_hidden(page, hidden: bool) -> None:
    """What the browser does when the tab is hidden or shown again."""
    page.evaluate(f"""Object.defineProperty(document, 'hidden',
                                            {{value: {'true' if hidden else 'false'},
                                              configurable: true}});
                     document.dispatchEvent(new Event('visibilitychange'))""")


def test_the_leader_dashboard_on_a_phone(browser, live_server, world):  # noqa: F811
    page = sign_in(browser, live_server.url, "leader", viewport=PHONE)
    page.wait_for_function("document.body.dataset.ready === 'dashboard'")
    assert page.locator("#hd-trend canvas").count() == 1
    assert page.locator("#hd-map path.leaflet-interactive").count() > 3
    assert page.locator(".hd-counter").count() == 8
    screens(page, "dashboard-phone")
    wide = page.evaluate(WIDER_THAN_THE_PHONE)
    # nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide
    assert not page.js_errors, page.js_errors
    # a town row drills down to that town
    page.locator(f"#hd-places a:text('{world.towns[0].name}')").first.click()
    page.wait_for_url(f"**unit={world.towns[0].code}*")
    page.wait_for_function("document.body.dataset.ready === 'dashboard'")
    screens(page, "dashboard-phone-town")
