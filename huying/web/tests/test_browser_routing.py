"""Matter-type suggestions as the report is typed, in a real browser: on the field report
form a chip selects the matter; on the citizen's page the names show as a hint.
Screenshots under VAR_DIR/screenshots/routing-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone

from huying.citizens.sms import MemoryBackend
from huying.routing import corpus
from huying.routing.store import model_forget
from huying.routing.training import model_train
from huying.web.tests.browser import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    screenshot,
    seeded_calendar,
    sign_in,
)
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(corpus.__file__).parent / "tests" / "data"


@pytest.fixture
def world(seeded_calendar, settings, tmp_path, monkeypatch):  # noqa: F811
    settings.MODEL_DIR = tmp_path / "models"
    settings.HUYING_SMS_BACKEND = "huying.citizens.sms.MemoryBackend"
    monkeypatch.setattr(corpus, "TRAINING_PATH", FIXTURES / "corpus.jsonl")
    monkeypatch.setattr(corpus, "LEXICON_PATH", FIXTURES / "lexicon.json")
    monkeypatch.setattr(corpus, "GENERATED_PER_MATTER", 5)
    MemoryBackend.outbox.clear()
    model_forget()
    world = build_world(timezone.now())
    model_train(now=timezone.now())
    yield world
    model_forget()
    MemoryBackend.outbox.clear()


def test_a_chip_selects_the_suggested_matter_on_the_report_form(browser, live_server,  # noqa: F811
                                                                world):
    page = sign_in(browser, live_server.url, "supervisor", viewport=DESKTOP)
    page.goto(f"{live_server.url}/report")
    page.fill("#id_title", "路灯")
    page.locator("#id_description").press_sequentially("小区门口的路灯坏了好几天，晚上黑乎乎的",
                                                        delay=20)
    chip = page.locator('#matter-suggestions [data-matter="M002"]')
    chip.wait_for()
    assert re.fullmatch(r"路灯不亮 \d{1,3}%", chip.inner_text().strip())
    assert "建议" in page.locator("#matter-suggestions").inner_text()
    chip.click()
    assert page.locator("#id_matter").input_value() == "M002"
    assert "active" in (chip.get_attribute("class") or "")
    page.locator("#id_description").scroll_into_view_if_needed()
    screenshot(page, "routing-report-chips")
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_the_citizen_page_shows_the_names_as_a_hint(browser, live_server, world):  # noqa: F811
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url,
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/h5/phone?next=report")
    page.fill("#id_phone", "13800138000")
    page.click("#h5-send")
    page.locator("#h5-sent").wait_for()
    code = re.search(r"验证码 (\d{6})", MemoryBackend.outbox[-1][1]).group(1)
    page.fill("#id_code", code)
    page.click("#h5-confirm")
    page.wait_for_url("**/h5/report")
    page.locator("#id_description").press_sequentially("菜市场东门的路灯已经三天不亮了", delay=20)
    hint = page.locator("#h5-suggestions [data-routing-hint]")
    hint.wait_for()
    text = hint.inner_text()
    assert "路灯不亮" in text and "M002" not in text and "%" not in text
    screenshot(page, "routing-citizen-hint")
    assert errors == []
    context.close()
