"""The Rongcheng flow through a real browser, by four users in turn: the town initiator
reports and calls, the town reviewer approves, the centre triages and dispatches, the
department signs and replies, and the initiator evaluates. Plus a refusal and a conflict
shown in place. Screenshots of each main page go to VAR_DIR/screenshots."""

from __future__ import annotations

import pytest
from django.utils import timezone

from huying.cases import services as cs
from huying.cases.models import Case, CaseStatus
from huying.common.tests.factories import build_world
from huying.web.tests.browser import browser, screenshot, seeded_calendar, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(seeded_calendar):  # noqa: F811
    return build_world(timezone.now())


def submit(page, form: str) -> None:
    """Press the form's button and wait until htmx has swapped the answer in."""
    action = form.split("-")[1] if form.startswith("#action-") else ""
    with page.expect_response(lambda r: f"/act/{action}" in r.url):
        page.click(f"{form} button[type=submit]")
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def open_case(page, tab: str, number: str):
    page.click(f"[data-tab={tab}]")
    page.click(f"#queue a:text('{number}')")
    page.wait_for_selector("#case-body")


def test_rongcheng_flow_by_four_users(browser, live_server, world):  # noqa: F811
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    login = context.new_page()
    login.goto(f"{base}/accounts/login/")
    screenshot(login, "login")
    context.close()

    # 1. The town initiator reports a broken street light and calls the county.
    page = sign_in(browser, base, "initiator_a")
    screenshot(page, "workbench-initiator")
    page.click("text=新建上报")
    page.fill("#id_matter_search", "路灯不亮")
    page.select_option("#id_matter", "M002")
    page.fill("#id_title", "新华路路灯不亮")
    page.fill("#id_description", "新华路中段连续五六盏路灯不亮，老人晚上散步看不清路。")
    page.fill("#id_address", "新华路中段")
    page.locator("#report-map").scroll_into_view_if_needed()
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    page.wait_for_function("document.querySelector('[name=longitude]').value !== ''")
    page.click("text=提交上报")
    page.wait_for_url("**/cases/HY-*")
    number = page.locator("#case-body h1 .hy-number").inner_text().strip()
    case = Case.objects.get(number=number)
    assert case.status == CaseStatus.REGISTERED and case.matter_type.code == "M002"

    # A call without a reason is refused in place; nothing changes.
    submit(page, "#action-call")
    error = page.locator("#action-call .hy-field-error")
    error.wait_for()
    assert "原因" in error.inner_text()
    screenshot(page, "case-form-error")
    page.fill("#action-call-reason", "路灯线路老化，需住建部门专业维修")
    submit(page, "#action-call")
    page.locator("#case-done").wait_for()
    assert "待镇街审核" in page.locator("#case-body .badge").first.inner_text()
    page.context.close()

    # 2. The town reviewer approves the call.
    page = sign_in(browser, base, "reviewer_a")
    screenshot(page, "workbench-reviewer")
    open_case(page, "to_approve", number)
    submit(page, "#action-call_approve")
    page.locator("#case-done").wait_for()
    page.context.close()

    # 3. The command centre triages and dispatches to the lead and a co-handler.
    page = sign_in(browser, base, "supervisor")
    screenshot(page, "workbench-supervisor")
    open_case(page, "to_triage", number)
    screenshot(page, "case-supervisor")
    submit(page, "#action-triage")
    page.locator("#case-done").wait_for()
    page.select_option("#action-dispatch-lead", "D05")
    page.fill("#action-dispatch [data-filter-checks]", "供电")
    page.locator("#action-dispatch .hy-checks input:visible").first.check()
    page.fill("#action-dispatch-instructions", "请于时限内修复并反馈照片。")
    submit(page, "#action-dispatch")
    page.locator("#case-done").wait_for()
    assert page.locator("#case-assignments").is_visible()
    page.context.close()
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    lead = case.assignments.get(role="lead")

    # 4. The lead department signs and replies.
    page = sign_in(browser, base, "responder_d05")
    screenshot(page, "workbench-responder")
    open_case(page, "to_sign", number)
    submit(page, f"#action-sign-{lead.pk}")
    page.locator("#case-done").wait_for()
    page.fill(f"#action-reply-{lead.pk}-result", "已更换灯具5套，恢复亮灯。")
    submit(page, f"#action-reply-{lead.pk}")
    page.locator("#case-done").wait_for()
    screenshot(page, "case-responder")
    page.context.close()
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED

    # 5. The initiator evaluates: very satisfied closes the case.
    page = sign_in(browser, base, "initiator_a")
    open_case(page, "to_evaluate", number)
    page.select_option("#action-evaluate-stars", "5")
    page.check("#action-evaluate-rating-1")
    page.fill("#action-evaluate-comment", "修得很快")
    submit(page, "#action-evaluate")
    page.locator("#case-done").wait_for()
    screenshot(page, "case-closed")
    page.goto("/notifications")
    screenshot(page, "notifications")
    page.context.close()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert list(case.events.values_list("action", flat=True))[:6] == [
        "report", "register", "call", "call_approve", "triage", "dispatch"]


def test_a_conflict_shows_the_new_state_in_place(browser, live_server, world):  # noqa: F811
    now = timezone.now()
    lon, lat = world.point_in(0)
    case = cs.case_report(actor=world.user("initiator_a"), county=world.county,
                          channel="town", title="井盖缺失", description="人行道井盖缺失。",
                          longitude=lon, latitude=lat, now=now)
    case = cs.case_register(case=case, actor=world.user("initiator_a"), matter_code="M002",
                            now=now)
    case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="需县级处理", now=now)
    case = cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=now)

    page = sign_in(browser, base_url := live_server.url, "supervisor")
    page.goto(f"{base_url}/cases/{case.number}")
    page.locator("#action-send_back").wait_for()
    # Someone else at the centre dispatches it while this page is open.
    cs.case_dispatch(case=case, actor=world.user("supervisor"), lead=world.dept("D05"),
                     now=timezone.now())
    page.locator("#action-send_back summary").click()
    page.fill("#action-send_back-reason", "属镇街职责")
    submit(page, "#action-send_back")
    banner = page.locator("#case-conflict")
    banner.wait_for()
    assert "该事项已被他人更新，以下为最新状态" in banner.inner_text()
    assert "已派单" in page.locator("#case-body").inner_text()
    assert page.locator("#action-send_back").count() == 0  # no longer possible
    screenshot(page, "case-conflict")
    page.context.close()
