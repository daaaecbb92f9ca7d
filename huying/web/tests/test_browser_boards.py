"""The boards through a real browser (Debian's chromium): the triage board dispatches in one
step, the town reviewer approves from the town page (the initiator's evaluation shows the
departments to reopen to only for 不满意), a supervisor schedules and records an interview,
the rankings drill down from a score to a deduction's case, the public tracking page; a
screenshot of each main page goes to VAR_DIR/screenshots."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from huying.assessment.services import deduction_record
from huying.cases import services as cs
from huying.cases.models import Case, CaseStatus
from huying.common.tests.factories import build_world
from huying.supervision import slips as sl
from huying.supervision.models import Interview
from huying.web.tests.browser import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    screenshot,
    seeded_calendar,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(seeded_calendar):  # noqa: F811
    return build_world(timezone.now())


def called(world, title: str = "新华路路灯不亮") -> Case:
    now = timezone.now()
    lon, lat = world.point_in(0)
    case = cs.case_report(actor=world.user("initiator_a"), county=world.county, channel="town",
                          title=title, description="新华路中段连续五六盏路灯不亮。",
                          longitude=lon, latitude=lat, reporter_name="张三",
                          reporter_phone="13912345678", now=now)
    case = cs.case_register(case=case, actor=world.user("initiator_a"), matter_code="M002",
                            now=now)
    return cs.case_call(case=case, actor=world.user("initiator_a"), reason="需县级部门专业维修",
                        now=now)


def settle(page) -> None:
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def test_triage_board_dispatches_in_one_step(browser, live_server, world):  # noqa: F811
    case = called(world)
    case = cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=timezone.now())
    other = cs.case_call_approve(case=called(world, "井盖缺失"), actor=world.user("reviewer_a"),
                                 now=timezone.now())
    page = sign_in(browser, live_server.url, "supervisor")
    page.click("a.nav-link[href='/centre/triage']")
    page.wait_for_url("**/centre/triage")
    form = page.locator(f"#item-{case.pk}-dispatch")
    form.wait_for()  # the oldest case comes unfolded
    lead = case.matter_type.lead_department
    assert page.locator(f"#item-{case.pk}-dispatch-lead").input_value() == lead.code
    co = {c.code for c in case.matter_type.co_departments.all()}
    checked = set(page.locator(f"#item-{case.pk}-dispatch-co input:checked").evaluate_all(
        "els => els.map(e => e.value)"))
    assert checked == co
    screenshot(page, "triage-board")
    with page.expect_response(lambda r: f"/centre/triage/{case.number}/dispatch" in r.url):
        form.locator("button[type=submit]").click()
    settle(page)
    page.locator(f"#item-{case.pk} .hy-item-done").wait_for()
    assert "已派单" in page.locator(f"#item-{case.pk}").inner_text()
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert case.assignments.get(role="lead").department == lead
    assert {a.department.code for a in case.assignments.filter(role="co")} == co

    # The other case: unfold it and send it back with a reason.
    page.click(f"#item-{other.pk} .hy-item-toggle")
    page.locator(f"#item-{other.pk}-send_back").wait_for(state="visible")
    page.fill(f"#item-{other.pk}-send_back-reason", "属镇街职责清单事项")
    with page.expect_response(lambda r: "/send_back" in r.url):
        page.click(f"#item-{other.pk}-send_back button[type=submit]")
    settle(page)
    page.locator(f"#item-{other.pk} .hy-item-done").wait_for()
    screenshot(page, "triage-board-done")
    other.refresh_from_db()
    assert other.status == CaseStatus.LOCAL
    assert not page.js_errors, page.js_errors
    page.context.close()


def test_the_town_reviewer_approves_from_the_town_page(browser, live_server, world):  # noqa: F811
    case = called(world)
    page = sign_in(browser, live_server.url, "reviewer_a")
    page.click("a.nav-link[href='/town']")
    page.wait_for_url("**/town")
    item = page.locator(f"#item-{case.pk}")
    assert "需县级部门专业维修" in item.inner_text()
    screenshot(page, "town-approve")
    with page.expect_response(lambda r: "/call_approve" in r.url):
        page.click(f"#item-{case.pk}-call_approve button[type=submit]")
    settle(page)
    page.locator(f"#item-{case.pk} .hy-item-done").wait_for()
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE
    assert not page.js_errors, page.js_errors
    page.context.close()

    # The initiator's evaluate tab and rally calls, the volunteer's page (phone size).
    now = timezone.now()
    cs.case_dispatch(case=case, actor=world.user("supervisor"), lead=world.dept("D05"),
                     co=[world.dept("D25")], now=now)
    lead = case.assignments.get(role="lead")
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"),
                        result="已更换灯具5套", now=now)
    page = sign_in(browser, live_server.url, "initiator_a")
    page.goto("/town?tab=evaluate")
    form = page.locator(f"#item-{case.pk}-evaluate")
    form.wait_for()
    # The departments to reopen to show only once 不满意 is chosen.
    reopen = form.locator("[data-hy-shown-if=rating]")
    assert reopen.count() == 2
    assert page.locator(f"#item-{case.pk}-evaluate-reopen_lead").is_hidden()
    assert page.locator(f"#item-{case.pk}-evaluate-reopen_co").is_hidden()
    screenshot(page, "town-evaluate")
    form.get_by_label("不满意", exact=True).check()
    page.locator(f"#item-{case.pk}-evaluate-reopen_lead").wait_for(state="visible")
    assert page.locator(f"#item-{case.pk}-evaluate-reopen_co").is_visible()
    assert page.locator(f"#item-{case.pk}-evaluate-reopen_lead").input_value() == "D05"
    screenshot(page, "town-evaluate-unsatisfied")
    form.get_by_label("满意", exact=True).check()
    page.locator(f"#item-{case.pk}-evaluate-reopen_lead").wait_for(state="hidden")
    assert not page.js_errors, page.js_errors
    page.goto("/town?tab=rally")
    page.click("#rally-sound summary")
    page.select_option("#rally-case", case.number)
    page.fill("#rally-need", "路灯维修期间需要志愿者夜间引导行人")
    page.click("#rally-sound button[type=submit]")
    page.wait_for_selector("text=路灯维修期间需要志愿者夜间引导行人")
    screenshot(page, "town-rally")
    page.context.close()
    page = sign_in(browser, live_server.url, "volunteer_1", viewport=PHONE)
    page.goto("/volunteer")
    page.click("#open-calls button[type=submit]")
    page.wait_for_selector("#claimed-calls form")
    page.check("#claimed-calls input[name=participants] >> nth=0")
    page.fill("#claimed-calls textarea[name=outcome]", "夜间引导行人两小时")
    page.click("#claimed-calls button[type=submit]")
    page.wait_for_function("document.querySelector('#credit-balance .hy-stat').textContent"
                           ".trim() === '5'")
    screenshot(page, "volunteer")
    page.context.close()


def test_rankings_drill_down_to_a_deductions_case(browser, live_server, world):  # noqa: F811
    now = timezone.now()
    case = cs.case_call_approve(case=called(world), actor=world.user("reviewer_a"), now=now)
    cs.case_dispatch(case=case, actor=world.user("supervisor"), lead=world.dept("D05"), now=now)
    deduction_record(department=world.dept("D05"), case=case, rule="sign_breach",
                     points=Decimal("0.4"), reason="签收超时（红色事项）", now=now,
                     source_key="browser:d05")
    page = sign_in(browser, live_server.url, "leader")
    page.click("a.nav-link[href='/assessment']")
    page.wait_for_url("**/assessment")
    screenshot(page, "assessment-rankings")
    page.click("#ranking-table tr[data-code=D05] a.hy-score")
    page.wait_for_url("**/assessment/departments/D05**")
    assert page.locator("#dept-score").inner_text().strip() == "13.60"
    assert "签收超时（红色事项）" in page.locator("#deductions").inner_text()
    screenshot(page, "assessment-department")
    page.click(f"#deductions a:text('{case.number}')")
    page.wait_for_url(f"**/cases/{case.number}")
    assert case.number in page.locator("#case-body h1").inner_text()
    page.goto("/assessment/indicators")
    assert "结案率" in page.locator("#indicator-table").inner_text()
    screenshot(page, "assessment-indicators")
    with page.expect_download() as download:
        page.click("#bulletin-download")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert not page.js_errors, page.js_errors
    page.context.close()


def test_supervision_board(browser, live_server, world):  # noqa: F811
    now = timezone.now()
    case = cs.case_call_approve(case=called(world), actor=world.user("reviewer_a"), now=now)
    cs.case_dispatch(case=case, actor=world.user("supervisor"), lead=world.dept("D05"), now=now)
    sl.slip_issue_supervision(actor=world.user("supervisor"), department=world.dept("D05"),
                              cases=[case], reason="反馈照片不清晰，办理质量不高", now=now)
    interview = Interview.objects.create(
        case=case, department=world.dept("D05"), trigger="overdue", colour="red",
        interviewer_role="centre", interviewee_role="head", created_at=now,
        source_key="browser:1")
    page = sign_in(browser, live_server.url, "supervisor")
    page.goto("/centre/supervision?tab=interviews")
    # Schedule it inline: the interview's row is swapped in place.
    page.click(f"#schedule-box-{interview.pk} summary")
    page.fill(f"#when-{interview.pk}", "2026-03-05T09:30")
    with page.expect_response(lambda r: "/schedule" in r.url):
        page.click(f"#schedule-{interview.pk} button[type=submit]")
    settle(page)
    page.locator(f"#interview-{interview.pk} .hy-item-done").wait_for()
    assert "03-05 09:30" in page.locator(f"#interview-{interview.pk}").inner_text()
    interview.refresh_from_db()
    assert timezone.localtime(interview.scheduled_for).strftime("%Y-%m-%d %H:%M") == (
        "2026-03-05 09:30")
    page.click(f"#record-box-{interview.pk} summary")
    page.fill(f"#notes-{interview.pk}", "约谈部门负责人，指出超时问题")
    page.fill(f"#rect-{interview.pk}", "三个工作日内完成整改")
    screenshot(page, "supervision-interviews")
    page.click(f"#record-{interview.pk} button[type=submit]")
    page.wait_for_selector("text=约谈已登记")
    page.goto("/centre/supervision?tab=slips")
    screenshot(page, "supervision-slips")
    with page.expect_download() as download:
        page.click("[data-download=docx] >> nth=0")
    assert download.value.suggested_filename.endswith(".docx")
    assert not page.js_errors, page.js_errors
    page.context.close()


def test_public_tracking_and_lists(browser, live_server, world):  # noqa: F811
    cache.clear()
    case = called(world)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/public/track")
    page.fill("#track-number", case.number.lower())
    page.click("#track-submit")
    page.locator("#track-result").wait_for()
    text = page.locator("main").inner_text()
    assert case.number in text and "呼叫" in text
    assert "张三" not in text and "13912345678" not in text and "139****5678" not in text
    screenshot(page, "public-track")
    page.fill("#track-number", "HY-20000101-000009")
    page.click("#track-submit")
    page.locator("#track-error").wait_for()
    assert "未找到" in page.locator("#track-error").inner_text()
    screenshot(page, "public-track-wrong")
    context.close()
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/public/lists")
    page.fill("#public-q", "路灯")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**q=**")
    assert "M002" in page.locator("#public-table").inner_text()
    screenshot(page, "public-lists")
    context.close()
    cache.clear()
