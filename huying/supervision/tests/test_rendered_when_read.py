"""Stored texts are message keys rendered when read: notifications, slips and deductions
written while translations were off (an English process, a seed run before the catalogues
were compiled) still read in Chinese, and read in English by an English reader."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
from django.test import Client
from django.utils import translation

from huying.assessment.models import Deduction
from huying.notifications.models import Notification, WebhookDelivery
from huying.notifications.webhooks import wire_payload
from huying.supervision import slips as sl
from huying.supervision.documents import slip_document
from huying.supervision.models import Slip
from huying.supervision.sweep import sweep_run
from huying.supervision.tests.conftest import BLUE, RED, dispatch


def written_in_english(world, now):
    """Dispatch a red and a blue case, let their clocks breach, issue a prompt and a
    supervision slip: all with translations switched off."""
    with translation.override("en"):
        red, _ = dispatch(world, matter=RED, now=now - timedelta(days=3))
        blue, _ = dispatch(world, matter=BLUE, now=now - timedelta(days=3))
        sweep_run(now=now)
        slip = sl.slip_issue_supervision(actor=world.user("supervisor"),
                                         department=world.dept("D05"), cases=[red],
                                         reason="答复质量不高", now=now)
        # Written in English: read now, in English, it says so.
        assert str(slip.title).startswith("Supervision slip to ")
        assert str(slip.number) == "Supervision [2026] No. 1"
    return red, blue, slip


def test_slips_written_without_translations_read_in_chinese(world, now):
    _red, _blue, slip = written_in_english(world, now)
    slip = Slip.objects.get(pk=slip.pk)  # fresh from the database, read in zh-hans
    department = world.dept("D05").name
    assert str(slip.number) == "督办〔2026〕1号"
    assert str(slip.title) == f"致{department}的督办单"
    assert str(slip.recipients).startswith(f"{department}（主要负责人：")
    assert str(slip.body) == "答复质量不高"  # the supervisor's own words, as typed
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(slip_document(slip))).paragraphs)
    assert "督办〔2026〕1号" in text and "Supervision" not in text
    with translation.override("en"):  # an English reader reads it in English
        assert str(Slip.objects.get(pk=slip.pk).title) == f"Supervision slip to {department}"


def test_notifications_written_without_translations_read_in_chinese(world, now, settings):
    settings.HUYING_WEBHOOK_URL = "https://gateway.example/sms"
    red, _blue, _slip = written_in_english(world, now)
    responder = world.user("responder_d05")
    breach = Notification.objects.filter(user=responder, kind="sla_breach",
                                         case=red).order_by("pk").first()
    assert breach is not None
    assert str(breach.title) == f"事项 {red.number} 签收已超期"
    assert str(breach.body).startswith("原定截止时间 ") and red.title in str(breach.body)
    told = Notification.objects.get(user=responder, kind="slip")
    assert str(told.title) == f"督办单 督办〔2026〕1号：致{world.dept('D05').name}的督办单"

    client = Client()
    client.force_login(responder)
    titles = [i["title"] for i in client.get("/api/v1/notifications",
                                             {"limit": 100}).json()["items"]]
    assert str(told.title) in titles and str(breach.title) in titles
    assert not [t for t in titles if "Supervision" in t or "overdue" in t]
    page = client.get("/notifications").content.decode()
    assert str(told.title) in page

    # The gateway gets the platform's language, whatever the writer's was.
    delivery = WebhookDelivery.objects.get(notification=told)
    with translation.override("en"):
        sent = wire_payload(delivery.payload)
    assert sent["title"] == str(told.title) and sent["body"] == "答复质量不高"


def test_deductions_written_without_translations_read_in_chinese(world, now):
    _red, blue, _slip = written_in_english(world, now)
    deduction = Deduction.objects.filter(case=blue).order_by("pk").first()
    assert deduction is not None
    assert str(deduction.reason) == "签收超期"
    with translation.override("en"):
        assert str(Deduction.objects.get(pk=deduction.pk).reason) == "Signing overdue"


def test_admin_pages_render_stored_messages(world, now, admin_user):
    _red, blue, slip = written_in_english(world, now)
    client = Client()
    client.force_login(admin_user)
    notice = Notification.objects.filter(kind="slip").first()
    deduction = Deduction.objects.filter(case=blue).first()
    assert str(deduction.reason).endswith("超期")
    pages = {
        "/admin/supervision/slip/": "督办〔2026〕1号",
        f"/admin/supervision/slip/{slip.pk}/change/": "督办〔2026〕1号",
        "/admin/notifications/notification/": "督办单 督办〔2026〕1号",
        f"/admin/notifications/notification/{notice.pk}/change/": "督办单 督办〔2026〕1号",
        f"/admin/assessment/deduction/{deduction.pk}/change/": str(deduction.reason),
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
