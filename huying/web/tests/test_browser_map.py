"""The county map (一张图) through a real browser (Debian's chromium): /map/ draws the county's
polygons and the cases, a filter change reloads them, a click on a point opens its popup and
the link leads to the case, whose own map is drawn on the same base; the density layer and a
town's figures; the phone layout. Screenshots go to VAR_DIR/screenshots."""

from __future__ import annotations

import pytest
from django.utils import timezone

from huying.cases import services as cs
from huying.cases.models import Case
from huying.web.tests.browser import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    screenshot,
    seeded_calendar,
    sign_in,
)
from tests.factories import build_world, figures_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MAP = "document.getElementById('hy-county-map')"


@pytest.fixture
def world(seeded_calendar):  # noqa: F811
    return build_world(timezone.now())


def put(world, grid: int, at: tuple[float, float], *, by: str, title: str,
        colour: str | None = None) -> Case:
    ring = world.grids[grid].geometry["coordinates"][0]
    lon = ring[0][0] + (ring[2][0] - ring[0][0]) * at[0]
    lat = ring[0][1] + (ring[2][1] - ring[0][1]) * at[1]
    now = timezone.now()
    case = cs.case_report(actor=world.user(by), county=world.county, channel="town",
                          title=title, description=f"{title}，请尽快处理。", longitude=lon,
                          latitude=lat, reporter_name="张三", reporter_phone="13912345678",
                          now=now)
    case = cs.case_register(case=case, actor=world.user(by), matter_code="M002", now=now)
    if colour:
        Case.objects.filter(pk=case.pk).update(colour=colour)
        case.colour = colour
    return case


@pytest.fixture
def cases(world):
    made = [put(world, 0, (0.3 + 0.05 * i, 0.4), by="initiator_a", title=f"路灯不亮{i}")
            for i in range(4)]
    made.append(put(world, 1, (0.5, 0.5), by="initiator_a", title="井盖缺失", colour="red"))
    made += [put(world, 2 + i % 2, (0.6, 0.3 + 0.1 * i), by="initiator_b",
                 title=f"占道经营{i}") for i in range(3)]
    figures_refresh()
    return made


def wait_cases(page, mode: str) -> int:
    page.wait_for_function(f"({MAP}.dataset.hyCases || '').indexOf('{mode}:') === 0")
    return int(page.evaluate(f"{MAP}.dataset.hyCases").split(":")[1])


def popup_shown(page):
    """The open popup, once its fade-in is over (for the screenshot)."""
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-popup'))"
                           ".opacity === '1'")
    return popup


def click_case(page, number: str) -> None:
    """Click the point of a case where the browser drew it."""
    box = page.locator(f"path.hy-case[data-case='{number}']").bounding_box()
    assert box, number
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_the_county_map_draws_filters_and_leads_to_the_case(browser, live_server, world,  # noqa: F811
                                                            cases):
    page = sign_in(browser, live_server.url, "supervisor")
    page.click("a.nav-link[href='/map/']")
    page.wait_for_url("**/map/")
    page.wait_for_function(f"{MAP}.dataset.hyBase === 'drawn'")
    # the county's land, its two towns' borders and their names
    assert page.locator(".leaflet-hy-land-pane path").count() >= 3
    assert page.locator(".leaflet-hy-borders-pane path").count() >= 3
    assert page.locator(".hy-label-town").all_inner_texts() == ["海滨街道", "石岭镇"]
    # zoomed out over the county: clusters counted by the server
    assert wait_cases(page, "clusters") >= 1
    assert "共 8 件" in page.inner_text("#hy-cmap-summary")
    screenshot(page, "county-map-desktop")

    # a filter reloads the cases: only the red one is left
    with page.expect_response(lambda r: "/api/v1/map/cases" in r.url and "colour=red" in r.url):
        page.select_option("#hy-cmap-colour", "red")
    wait_cases(page, "clusters")
    page.wait_for_function("document.getElementById('hy-cmap-summary').textContent"
                           ".indexOf('1') >= 0")
    red = next(c for c in cases if c.colour == "red")
    assert page.locator(f"path.hy-case[data-case='{red.number}']").count() == 1
    assert "colour=red" in page.url  # the view can be shared

    # street level: points; a click opens the popup with the link to the case
    page.select_option("#hy-cmap-colour", "")
    page.evaluate(f"{MAP}.hyMap.setView([{cases[0].latitude}, {cases[0].longitude}], 16)")
    assert wait_cases(page, "points") >= 4
    click_case(page, cases[0].number)
    popup = popup_shown(page)
    assert cases[0].title in popup.inner_text()
    link = popup.locator("a[data-case-link]")
    assert link.get_attribute("href") == f"/cases/{cases[0].number}"
    screenshot(page, "county-map-popup")
    link.click()
    page.wait_for_url(f"**/cases/{cases[0].number}")
    # the case page's map: the same base under the case's grid and pin
    page.wait_for_function("document.querySelector('[data-hy-map]').dataset.hyBase === 'drawn'")
    assert page.locator("[data-hy-map] .leaflet-hy-land-pane path").count() >= 3
    assert page.locator("[data-hy-map] .leaflet-hy-cases-pane path").count() == 1
    page.locator("[data-hy-map]").scroll_into_view_if_needed()
    screenshot(page, "case-map")
    assert not page.js_errors, page.js_errors
    page.context.close()


def test_density_and_a_towns_figures(browser, live_server, world, cases):  # noqa: F811
    page = sign_in(browser, live_server.url, "leader")
    page.goto("/map/")
    page.wait_for_function(f"{MAP}.dataset.hyBase === 'drawn'")
    wait_cases(page, "clusters")
    page.get_by_label("事项密度").check()
    page.wait_for_function(f"({MAP}.dataset.hyDensity || '').indexOf('drawn:') === 0")
    cells = int(page.evaluate(f"{MAP}.dataset.hyDensity").split(":")[1])
    assert cells >= 3
    assert f"{cells} 格" in page.inner_text("#hy-cmap-density-note")
    page.get_by_label("事项", exact=True).uncheck()
    screenshot(page, "county-map-density")
    page.get_by_label("事项密度").uncheck()
    # a click inside a town shows its figures from the rollups
    box = page.locator("#hy-county-map").bounding_box()
    town = world.towns[1].geometry["coordinates"][0]
    point = page.evaluate(f"(() => {{ const p = {MAP}.hyMap.latLngToContainerPoint("
                          f"[{town[0][1] + 0.17}, {town[0][0] + 0.05}]); return [p.x, p.y]; }})()")
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    popup = page.locator(".leaflet-popup")
    popup.locator("[data-measure=received]").wait_for()
    popup_shown(page)
    assert "石岭镇" in popup.inner_text()
    assert popup.locator("[data-measure=received]").inner_text() == "3"
    screenshot(page, "county-map-town")
    assert not page.js_errors, page.js_errors
    page.context.close()


def test_the_map_on_a_phone_and_a_towns_own_cases(browser, live_server, world, cases):  # noqa: F811
    page = sign_in(browser, live_server.url, "initiator_b", viewport=PHONE)
    page.goto("/map/")
    page.wait_for_function(f"{MAP}.dataset.hyBase === 'drawn'")
    wait_cases(page, "clusters")
    # town B's initiator counts only town B's three cases
    assert "共 3 件" in page.inner_text("#hy-cmap-summary") or \
        "显示 3 件" in page.inner_text("#hy-cmap-summary")
    assert page.locator("#hy-cmap-panel").evaluate(
        "el => el.getBoundingClientRect().right <= 0")  # folded away
    screenshot(page, "county-map-phone")
    page.click("[data-hy-cmap-open]")
    page.wait_for_function("document.getElementById('hy-cmap-panel').getBoundingClientRect()"
                           ".left >= 0")
    page.wait_for_timeout(250)  # the slide's transition
    screenshot(page, "county-map-phone-filters")
    assert not page.js_errors, page.js_errors
    page.context.close()
