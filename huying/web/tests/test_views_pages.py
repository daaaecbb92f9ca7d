"""Workbench, report form, notification centre and sign-in, through the Django test client."""

from __future__ import annotations

import uuid

from django.test import Client

from huying.cases.models import Case, CaseStatus, Channel
from huying.notifications.models import Notification
from huying.web.tests.conftest import HTMX, dispatched, in_triage, report


def test_sign_in_page_is_chinese_and_lists_demo_users_only_when_asked(db, settings):
    settings.HUYING_DEMO_LOGINS = False
    html = Client().get("/accounts/login/").content.decode()
    assert "登录" in html and 'id="demo-logins"' not in html


def test_sign_in_and_out(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "supervisor",
                                                "password": "test-pass-2026"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # sign-out is a POST
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_workbench_tabs_follow_the_roles(world, client_as):
    tabs = {
        "grid_a": ["local", "mine"],
        "initiator_a": ["local", "to_evaluate", "initiated"],
        "reviewer_a": ["to_approve"],
        "supervisor": ["to_triage", "decisions", "all"],
        "responder_d05": ["to_sign", "to_handle"],
        "leader": ["all"],
    }
    for username, keys in tabs.items():
        # a county leader's home is the dashboard: their queues are at ?tab=
        url = "/?tab=all" if username == "leader" else "/"
        html = client_as(username).get(url).content.decode()
        found = [k for k in ("local", "to_approve", "to_triage", "decisions", "to_sign",
                             "to_handle", "to_evaluate", "mine", "initiated", "all")
                 if f'data-tab="{k}"' in html]
        assert found == keys, username


def test_workbench_queue_counts_filters_and_htmx_partial(world, now, client_as):
    case = in_triage(world, now)
    report(world, now)  # a second case, still with the town
    client = client_as("supervisor")
    html = client.get("/").content.decode()
    assert case.number in html
    partial = client.get("/?tab=all&q=HY-00", **HTMX, HTTP_HX_TARGET="queue")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="queue">') and "没有符合筛选条件" in body
    by_status = client.get(f"/?tab=all&status={CaseStatus.TRIAGE}", **HTMX,
                           HTTP_HX_TARGET="queue").content.decode()
    assert case.number in by_status and by_status.count("<tr class=") == 1


def test_responder_queue_shows_a_working_time_countdown(world, now, client_as):
    dispatched(world, now)
    html = client_as("responder_d05").get("/?tab=to_sign").content.decode()
    assert "hy-countdown" in html and "工作小时" in html


def test_leader_home_is_the_dashboard(world, now, client_as):
    in_triage(world, now)
    html = client_as("leader").get("/").content.decode()
    assert "领导驾驶舱" in html and "hy-stat" in html


def test_report_registers_and_resubmitting_returns_the_same_case(world, client_as):
    client = client_as("grid_a")
    lon, lat = world.point_in(0)
    key = str(uuid.uuid4())
    data = {"matter": "M002", "title": "路灯不亮", "description": "路灯不亮两天了。",
            "longitude": lon, "latitude": lat, "idempotency_key": key}
    first = client.post("/report", data)
    assert first.status_code == 302
    case = Case.objects.get()
    assert first["Location"] == f"/cases/{case.number}"
    assert (case.channel, case.external_ref, case.status) == (Channel.GRID, key,
                                                              CaseStatus.REGISTERED)
    again = client.post("/report", data, **HTMX)
    assert again.status_code == 204 and again["HX-Redirect"] == f"/cases/{case.number}"
    assert Case.objects.count() == 1


def test_report_without_location_puts_a_grid_workers_case_in_their_grid(world, client_as):
    response = client_as("grid_a").post("/report", {
        "matter": "M002", "title": "路灯不亮", "description": "路灯不亮。",
        "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 302
    assert Case.objects.get().grid == world.grids[0]


def test_the_centre_files_a_call_under_the_channel_it_came_through(world, client_as):
    client = client_as("supervisor")
    page = client.get("/report").content.decode()
    assert 'name="channel"' in page and "96119火灾隐患举报热线" in page
    assert page.index('value="12345"') < page.index('value="96119"')
    assert 'value="grid"' not in page and 'value="town"' not in page
    lon, lat = world.point_in(0)
    data = {"matter": "M002", "title": "楼道堆放杂物", "description": "来电反映楼道堆满纸箱。",
            "longitude": lon, "latitude": lat, "channel": "96119",
            "idempotency_key": str(uuid.uuid4())}
    assert client.post("/report", data).status_code == 302
    assert Case.objects.get().channel == "96119"
    refused = client.post("/report", {**data, "channel": "grid",
                                      "idempotency_key": str(uuid.uuid4())}, **HTMX)
    assert refused.status_code == 422 and Case.objects.count() == 1
    # Grid staff file under the grid app whatever they post; they see no channel list.
    assert 'name="channel"' not in client_as("grid_a").get("/report").content.decode()


def test_report_refusal_is_shown_in_place_and_nothing_is_kept(world, client_as):
    response = client_as("initiator_a").post("/report", {
        "matter": "M002", "title": "", "description": "说明", "longitude": "122.05",
        "latitude": "37.05", "idempotency_key": str(uuid.uuid4())}, **HTMX)
    assert response.status_code == 422
    assert "hy-form-error" in response.content.decode()
    assert not Case.objects.exists()


def test_report_refuses_a_matter_outside_the_grid_admission_list(world, client_as):
    from django.utils import timezone

    from huying.catalog.selectors import matter_codes_on_list, matter_types_in_force

    today = timezone.localdate()
    admitted = matter_codes_on_list(county=world.county, kind="grid_admission", on=today)
    outside = next(m.code for m in matter_types_in_force(county=world.county, on=today)
                   if m.code not in admitted)
    page = client_as("grid_a").get("/report").content.decode()
    assert f'value="{outside}"' not in page
    lon, lat = world.point_in(0)
    response = client_as("grid_a").post("/report", {
        "matter": outside, "title": "标题", "description": "说明", "longitude": lon,
        "latitude": lat, "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 422 and not Case.objects.exists()


def test_notification_centre_marks_read_and_opens_the_case(world, now, client_as):
    from huying.notifications.services import notify

    case = report(world, now)
    user = world.user("initiator_a")
    [notice] = notify(users=[user], kind="new_work", title="新事项待处置", body="请处理",
                      now=now, case=case)
    client = client_as("initiator_a")
    home = client.get("/").content.decode()
    assert 'data-unread="1"' in home
    listing = client.get("/notifications").content.decode()
    assert "新事项待处置" in listing
    opened = client.post(f"/notifications/{notice.pk}/open")
    assert opened.status_code == 302 and opened["Location"] == f"/cases/{case.number}"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'data-unread' not in client.get("/").content.decode()


def test_someone_elses_notification_is_404(world, now, client_as):
    from huying.notifications.services import notify

    [notice] = notify(users=[world.user("supervisor")], kind="system", title="x", body="",
                      now=now)
    assert client_as("initiator_a").post(f"/notifications/{notice.pk}/open").status_code == 404
    assert client_as("initiator_a").post("/notifications/read-all").status_code == 302
    assert Notification.objects.get(pk=notice.pk).read_at is None
