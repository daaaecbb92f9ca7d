"""The field report form on a phone-sized screen: a grid worker searches the grid admission
list, takes a photo, taps the map and submits; the case page shows the photo."""

from __future__ import annotations

import pytest
from django.utils import timezone

from huying.cases.models import Case, CaseStatus, Channel
from huying.common.tests.factories import build_world
from huying.web.tests.browser import (  # noqa: F401
    PHONE,
    browser,
    png,
    screenshot,
    seeded_calendar,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(seeded_calendar):  # noqa: F811
    return build_world(timezone.now())


def test_grid_worker_reports_from_a_phone(browser, live_server, world):  # noqa: F811
    page = sign_in(browser, live_server.url, "grid_a", viewport=PHONE)
    screenshot(page, "phone-workbench-grid")
    page.goto(f"{live_server.url}/report")
    photo = page.locator("#id_photos")
    assert photo.get_attribute("accept") == "image/*"
    assert photo.get_attribute("capture") == "environment"
    key = page.locator("[name=idempotency_key]").input_value()
    assert len(key) == 36  # a UUID made in the browser

    page.fill("#id_matter_search", "路灯")
    visible = page.locator("#id_matter option:not([hidden])")
    assert visible.count() >= 1
    page.select_option("#id_matter", visible.first.get_attribute("value"))
    page.fill("#id_title", "路灯杆倾斜")
    page.fill("#id_description", "海滨路北段一根路灯杆倾斜，有倒伏风险。")
    photo.set_input_files({"name": "现场.png", "mimeType": "image/png", "buffer": png()})
    page.locator("#report-map").scroll_into_view_if_needed()
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("document.querySelector('[name=latitude]').value !== ''")
    screenshot(page, "phone-report-form")
    page.click("text=提交上报")
    page.wait_for_url("**/cases/HY-*")
    page.locator(".hy-photos img").wait_for()
    screenshot(page, "phone-case")

    case = Case.objects.get(channel=Channel.GRID, external_ref=key)
    assert case.status == CaseStatus.REGISTERED and case.grid == world.grids[0]
    assert case.attachments.count() == 1


def test_a_refused_report_shows_the_reason_and_keeps_the_input(browser, live_server,  # noqa: F811
                                                               world):
    page = sign_in(browser, live_server.url, "initiator_a", viewport=PHONE)
    page.goto(f"{live_server.url}/report")
    page.select_option("#id_matter", "M002")
    page.fill("#id_title", "路灯不亮")
    page.fill("#id_description", "没有标注位置。")
    page.click("text=提交上报")
    error = page.locator("#report-error .hy-form-error")
    error.wait_for()
    assert "位置" in error.inner_text()
    assert page.locator("#id_title").input_value() == "路灯不亮"
    assert not Case.objects.exists()
