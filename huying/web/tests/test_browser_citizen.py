"""The citizen's page on a 375×812 phone: confirm the phone with the code the SMS backend
sent, report with a photo and a tap on the map, open the tracking link, and rate once the
staff have closed the case. Screenshots under VAR_DIR/screenshots/citizen-*.png."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from huying.cases.models import Case, CaseStatus, Channel
from huying.citizens.models import CitizenRating
from huying.citizens.sms import MemoryBackend
from huying.citizens.tests.conftest import close_case
from huying.web.tests.browser import (  # noqa: F401
    CHROMIUM_ARGS,
    browser,
    png,
    screenshot,
    seeded_calendar,
)
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 375, "height": 812}
PHONE = "13800138000"


@pytest.fixture
def world(seeded_calendar, settings):  # noqa: F811
    settings.HUYING_SMS_BACKEND = "huying.citizens.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield build_world(timezone.now())
    MemoryBackend.outbox.clear()


def phone_page(browser, base_url: str):  # noqa: F811
    context = browser.new_context(viewport=SMALL_PHONE, locale="zh-CN", base_url=base_url,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(15000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def test_a_citizen_reports_follows_and_rates_from_a_phone(browser, live_server, world):  # noqa: F811
    page = phone_page(browser, live_server.url)
    page.goto("/accounts/login/")
    page.click("#citizen-entry")
    page.wait_for_url("**/h5/")
    screenshot(page, "citizen-home")
    no_sideways_scroll(page)
    page.click("#h5-start")
    page.wait_for_url("**/h5/phone?next=report")
    page.fill("#id_phone", PHONE)
    page.click("#h5-send")
    page.locator("#h5-sent").wait_for()
    code = re.search(r"验证码 (\d{6})", MemoryBackend.outbox[-1][1]).group(1)
    page.fill("#id_code", code)
    screenshot(page, "citizen-phone")
    page.click("#h5-confirm")
    page.wait_for_url("**/h5/report")

    page.fill("#id_description", "菜市场东门的路灯已经三天不亮了，晚上路过很黑。")
    page.set_input_files("#id_photos", {"name": "现场.png", "mimeType": "image/png",
                                        "buffer": png()})
    page.locator("#h5-map").scroll_into_view_if_needed()
    box = page.locator("#h5-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("document.querySelector('[name=latitude]').value !== ''")
    page.fill("#id_name", "李四")
    screenshot(page, "citizen-report")
    no_sideways_scroll(page)
    submit = page.locator("#h5-submit").bounding_box()
    assert submit["height"] >= 44 and submit["width"] >= 300  # a thumb-sized button
    page.click("#h5-submit")
    page.locator("#h5-link").wait_for()
    screenshot(page, "citizen-reported")
    link = page.locator("#h5-link").input_value()
    assert re.fullmatch(r"http://[^/]+/h5/t/[A-Za-z0-9_-]{32}/", link)
    case = Case.objects.get()
    assert case.channel == Channel.WEB and case.attachments.count() == 1 and case.town

    page.click("#h5-open")
    page.locator("#h5-steps").wait_for()
    assert page.locator("#h5-steps li.is-current").inner_text().strip().endswith("已提交")
    screenshot(page, "citizen-track-open")

    close_case(world, case, at=timezone.now())
    assert Case.objects.get().status == CaseStatus.CLOSED
    page.goto(link)
    page.locator("#h5-rate-form").wait_for()
    page.click("label[for=rating-basically_satisfied]")
    page.fill("#id_comment", "灯修好了，希望以后巡查勤一些。")
    screenshot(page, "citizen-track-closed")
    no_sideways_scroll(page)
    page.click("#h5-rate")
    page.locator("#h5-rated").wait_for()
    assert "基本满意" in page.locator("#h5-rated").inner_text()
    screenshot(page, "citizen-rated")
    assert CitizenRating.objects.get().comment == "灯修好了，希望以后巡查勤一些。"
    assert page.js_errors == []  # type: ignore[attr-defined]
