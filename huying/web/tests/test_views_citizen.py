"""The citizen's page (H5) through the Django client: confirm the phone by the code the SMS
backend sent, report with a photo, follow the link, rate once the case is closed."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from huying.cases.models import Case, CaseStatus, Channel
from huying.citizens import services
from huying.citizens.models import CitizenRating, CitizenReport
from huying.citizens.sms import MemoryBackend
from huying.citizens.tests.conftest import close_case
from huying.web.tests.browser import png

PHONE = "13800138000"


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.HUYING_SMS_BACKEND = "huying.citizens.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def confirm(client: Client, outbox, phone: str = PHONE, next_page: str = "report"):
    answer = client.post("/h5/phone", {"phone": phone, "step": "send", "next": next_page})
    assert answer.status_code == 200
    assert f"验证码已发送至 {phone[:3]}****{phone[-4:]}，5 分钟内有效" in answer.text
    code = re.search(r"验证码 (\d{6})", outbox[-1][1]).group(1)
    return client.post("/h5/phone", {"phone": phone, "code": code, "step": "confirm",
                                     "next": next_page})


def test_report_follow_and_rate(world, now, outbox):
    client = Client(enforce_csrf_checks=True)
    home = client.get("/h5/")
    assert home.status_code == 200 and "我要反映问题" in home.text
    assert 'id="hy-nav"' not in home.text  # not the staff top bar
    assert client.get("/h5/report").url == "/h5/phone?next=report"
    csrf = client.get("/h5/phone").cookies["csrftoken"].value
    client = Client()  # the flow below without CSRF tokens in every post
    answer = confirm(client, outbox)
    assert answer.status_code == 302 and answer.url == "/h5/report"
    page = client.get("/h5/report")
    assert "提交反映" in page.text and "138****8000" in page.text
    lon, lat = world.point_in(0)
    done = client.post("/h5/report", {
        "description": "菜市场东门的路灯已经三天不亮了。", "longitude": str(lon),
        "latitude": str(lat), "name": "李四", "idempotency_key": "k-1",
        "photos": SimpleUploadedFile("现场.png", png(), content_type="image/png")})
    assert done.status_code == 200 and "反映已收到" in done.text
    assert done["Cache-Control"] == "no-store"
    url = re.search(r'value="(http://testserver/h5/t/[^"]+/)"', done.text).group(1)
    case = Case.objects.get()
    assert (case.channel, case.reporter_phone, case.attachments.count()) == (Channel.WEB, PHONE, 1)
    assert case.number in done.text

    stranger = Client()  # the link alone opens the page
    track = stranger.get(url)
    assert track.status_code == 200 and "菜市场东门" in track.text
    assert "已提交" in track.text and "李四" not in track.text and PHONE not in track.text
    assert "h5-rate-form" not in track.text
    refused = stranger.post(url + "rate", {"rating": "satisfied"})
    assert refused.status_code == 409 and "办结后才能评价" in refused.text

    close_case(world, case, at=now)
    track = stranger.get(url)
    assert "已办结" in track.text and "已更换灯泡" in track.text and "h5-rate-form" in track.text
    assert "responder_d05" not in track.text and "supervisor" not in track.text
    rated = stranger.post(url + "rate", {"rating": "basically_satisfied", "comment": "修好了"})
    assert rated.status_code == 302
    track = stranger.get(url)
    assert "基本满意" in track.text and "感谢您的评价" in track.text
    again = stranger.post(url + "rate", {"rating": "satisfied"})
    assert again.status_code == 409 and "已经评价过" in again.text
    assert CitizenRating.objects.get().rating == "basically_satisfied"
    assert csrf  # CSRF is on: the enforcing client got a token cookie


def test_csrf_is_required(world, outbox):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/h5/phone", {"phone": PHONE, "step": "send"}).status_code == 403
    assert not outbox


def test_wrong_code_and_rate_limit_answer_in_chinese(world, outbox):
    client = Client()
    client.post("/h5/phone", {"phone": PHONE, "step": "send"})
    code = re.search(r"验证码 (\d{6})", outbox[-1][1]).group(1)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    wrong = client.post("/h5/phone", {"phone": PHONE, "code": wrong, "step": "confirm"})
    assert wrong.status_code == 422 and "验证码不正确" in wrong.text
    assert 'id="id_code"' in wrong.text  # the code step stays open
    again = client.post("/h5/phone", {"phone": PHONE, "step": "send"})
    assert again.status_code == 429 and "后再重新获取" in again.text
    bad = client.post("/h5/phone", {"phone": "12345", "step": "send"})
    assert bad.status_code == 422 and "不是有效的手机号码" in bad.text


def test_an_unknown_link_is_a_chinese_404(world):
    answer = Client().get("/h5/t/" + "A" * 32 + "/")
    assert answer.status_code == 404 and "这个链接打不开任何反映" in answer.text
    assert Client().post("/h5/t/short/rate", {"rating": "satisfied"}).status_code == 404


def test_a_refused_report_keeps_the_input_and_writes_nothing(world, outbox):
    client = Client()
    confirm(client, outbox)
    answer = client.post("/h5/report", {"description": "路灯不亮", "longitude": "100.0",
                                        "latitude": "30.0"})
    assert answer.status_code == 422 and "路灯不亮" in answer.text
    answer = client.post("/h5/report", {"description": "路灯不亮"})
    assert answer.status_code == 422 and "请说明位置" in answer.text
    answer = client.post("/h5/report", {"description": "路灯不亮", "longitude": "x",
                                        "latitude": "1"})
    assert answer.status_code == 422
    assert not Case.objects.exists()


def test_my_reports_are_found_again_by_the_phone(world, outbox, monkeypatch):
    monkeypatch.setattr(services, "PHONE_LIMITS", ((60, 10),))  # three confirmations at once
    client = Client()
    confirm(client, outbox)
    first = client.post("/h5/report", {"description": "井盖缺失。", "address": "新华路12号"})
    old = re.search(r'value="http://testserver(/h5/t/[^"]+/)"', first.text).group(1)
    other = Client()
    confirm(other, outbox, phone="13900139000")
    other.post("/h5/report", {"description": "别人的反映。", "address": "海滨路"})

    later = Client()  # another day, the link lost
    assert later.get("/h5/mine").url == "/h5/phone?next=mine"
    confirm(later, outbox, next_page="mine")
    mine = later.get("/h5/mine")
    assert "井盖缺失" in mine.text and "别人的反映" not in mine.text
    report = CitizenReport.objects.get(phone=PHONE)
    other_report = CitizenReport.objects.get(phone="13900139000")
    assert later.get(f"/h5/mine/{report.pk}").status_code == 200
    assert later.get(f"/h5/mine/{other_report.pk}").status_code == 404
    fresh = later.post(f"/h5/mine/{report.pk}/link")
    new = re.search(r'value="http://testserver(/h5/t/[^"]+/)"', fresh.text).group(1)
    assert Client().get(old).status_code == 404 and Client().get(new).status_code == 200
    assert later.post(f"/h5/mine/{other_report.pk}/link").status_code == 404


def test_no_reports_yet_says_so(world, outbox):
    client = Client()
    confirm(client, outbox, next_page="mine")
    assert "还没有通过本页面反映过问题" in client.get("/h5/mine").text


def test_the_login_and_public_pages_link_the_citizen_page(world):
    assert 'href="/h5/"' in Client().get("/accounts/login/").text
    assert 'href="/h5/"' in Client().get("/public/lists").text


def test_a_report_that_is_closed_shows_on_the_case_page_with_its_photo(world, outbox, client_as):
    client = Client()
    confirm(client, outbox)
    lon, lat = world.point_in(0)
    client.post("/h5/report", {"description": "路灯不亮。", "longitude": str(lon),
                               "latitude": str(lat),
                               "photos": SimpleUploadedFile("a.png", png(),
                                                            content_type="image/png")})
    case = Case.objects.get()
    assert case.status == CaseStatus.REPORTED
    page = client_as("supervisor").get(f"/cases/{case.number}")
    assert page.status_code == 200 and "反映人" in page.text and "None" not in page.text
