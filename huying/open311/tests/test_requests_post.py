"""POST requests: filed through the Open311 channel as the key's user, registered at once
under its service when located; the token; every refusal a 400/403/404 that writes
nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from huying.cases.channel_keys import channel_key_issue
from huying.cases.models import CHANNELS, Case, CaseEvent, CaseStatus, Channel, IntakeRecord
from huying.cases.tests.conftest import MONDAY
from huying.common import memo
from huying.common.models import ApiToken
from huying.open311.models import Submission
from huying.open311.tests.conftest import BASE, errors_of, xml_of


def form(world, api_key: str, **extra) -> dict:
    lon, lat = world.point_in(1)
    return {"api_key": api_key, "service_code": "M002", "lat": str(lat), "long": str(lon),
            "description": "小区东门外三盏路灯连续一周不亮。", "first_name": "小明",
            "last_name": "王", "phone": "13700001111", "email": "wang@example.cn",
            "attribute[address_detail]": "海滨街道幸福小区东门", **extra}


def test_a_post_files_a_registered_case_through_the_open311_channel(client, world, frozen,
                                                                     api_key):
    response = client.post(f"{BASE}/requests.json", form(world, api_key))
    assert response.status_code == 201, response.content
    (answer,) = response.json()
    assert set(answer) == {"service_request_id", "token", "service_notice", "account_id"}
    case = Case.objects.get()
    assert answer["service_request_id"] == case.number
    assert case.number in answer["service_notice"]
    assert (case.channel, case.status, case.matter_type.code) == (
        Channel.OPEN311, CaseStatus.REGISTERED, "M002")
    assert (case.title, case.address) == ("路灯不亮", "海滨街道幸福小区东门")
    assert (case.reporter_name, case.reporter_phone) == ("王小明", "13700001111")
    assert case.reported_by == world.user("supervisor") and case.grid == world.grids[1]
    assert not case.urgent
    assert list(case.events.values_list("action", flat=True)) == ["report", "register"]
    # No idempotency: the spec has no client id, so no intake record either.
    assert not IntakeRecord.objects.exists()
    submission = Submission.objects.get()
    assert (submission.case, submission.source_system, submission.token) == (
        case, "随手拍小程序", answer["token"])
    assert len(answer["token"]) >= 40

    token = client.get(f"{BASE}/tokens/{answer['token']}.json").json()
    assert token == [{"service_request_id": case.number, "token": answer["token"]}]
    (row,) = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert row["service_code"] == "M002" and row["address"] == "海滨街道幸福小区东门"
    assert "王小明" not in str(row) and "13700001111" not in str(row)

    again = client.post(f"{BASE}/requests.json", form(world, api_key))
    assert again.status_code == 201
    assert Case.objects.count() == 2  # the same form again is a second request


def test_the_post_answers_xml_and_takes_urgency_and_the_media_url(client, world, frozen,
                                                                   api_key):
    response = client.post(f"{BASE}/requests.xml", form(
        world, api_key, **{"attribute[urgency]": "urgent",
                           "media_url": "https://img.example.cn/a.jpg",
                           "attribute[fms_extra_uprn]": "ignored"}))
    assert response.status_code == 201
    root = xml_of(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    for field in ("service_request_id", "token", "service_notice", "account_id"):
        assert request.find(field) is not None, field
    case = Case.objects.get(number=request.findtext("service_request_id"))
    assert case.urgent
    token = xml_of(client.get(f"{BASE}/tokens/{request.findtext('token')}.xml"))
    assert token.findtext("request/service_request_id") == case.number
    (row,) = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert row["media_url"] == "https://img.example.cn/a.jpg"


def test_a_request_with_only_an_address_waits_for_the_centre(client, world, frozen, api_key):
    data = form(world, api_key, address_string="石岭镇中心街12号")
    del data["lat"], data["long"]
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert (case.status, case.matter_type, case.unit) == (CaseStatus.REPORTED, None, None)
    assert case.address == "石岭镇中心街12号 海滨街道幸福小区东门"
    (row,) = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert (row["service_code"], row["service_name"]) == ("M002", "路灯不亮")


def test_the_post_needs_no_csrf_token(world, frozen, api_key):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"{BASE}/requests.json", form(world, api_key)).status_code == 201


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_or_bad_key_is_403_and_files_nothing(client, world, frozen, api_key, fmt):
    hotline_key = channel_key_issue(actor=None, user=world.user("supervisor"),
                                    channel_code="12345", source_system="省12345平台",
                                    now=MONDAY)[1]
    for key in ("", "hy_not-a-key", hotline_key):
        response = client.post(f"{BASE}/requests.{fmt}", form(world, key))
        assert response.status_code == 403, key
        (error,) = errors_of(response, fmt)
        assert error["code"] == 403 and "api_key" in error["description"]
    ApiToken.objects.update(revoked=True)
    assert client.post(f"{BASE}/requests.{fmt}", form(world, api_key)).status_code == 403
    assert not Case.objects.exists()


def test_a_switched_off_channel_refuses_its_keys(client, world, frozen, api_key):
    Channel.objects.filter(code=Channel.OPEN311).update(active=False)
    memo.forget(CHANNELS)  # a bulk update sends no signal
    assert client.post(f"{BASE}/requests.json", form(world, api_key)).status_code == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("change, status, word", [
    ({"service_code": "M999"}, 404, "M999"),
    ({"service_code": ""}, 400, "service_code"),
    ({"description": "  "}, 400, "description"),
    ({"lat": "abc"}, 400, "lat"),
    ({"long": ""}, 400, "lat"),
    ({"lat": "", "long": ""}, 400, "address_string"),
    ({"lat": "10.0", "long": "10.0"}, 400, "示范市"),  # outside every grid of the county
    ({"lat": "95", "long": "122.1"}, 400, ""),
    ({"attribute[address_detail]": ""}, 400, "attribute[address_detail]"),
    ({"attribute[address_detail]": "长" * 201}, 400, "attribute[address_detail]"),
    ({"attribute[urgency]": "very"}, 400, "attribute[urgency]"),
    ({"phone": "abc"}, 400, "abc"),
    ({"email": "not-an-address"}, 400, "email"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"jurisdiction_id": "999999"}, 404, "999999"),
])
def test_bad_input_is_refused_with_the_error_list_and_writes_nothing(
        client, world, frozen, api_key, fmt, change, status, word):
    response = client.post(f"{BASE}/requests.{fmt}", form(world, api_key, **change))
    assert response.status_code == status, response.content
    (error,) = errors_of(response, fmt)
    assert error["code"] == status and word in error["description"]
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not Submission.objects.exists()


def test_an_unknown_token_is_404(client, world):
    response = client.get(f"{BASE}/tokens/nothing-here.xml")
    assert response.status_code == 404
    assert errors_of(response, "xml")[0]["code"] == 404


def test_other_methods_are_not_allowed(client, world):
    assert client.put(f"{BASE}/requests.json").status_code == 405
    assert client.post(f"{BASE}/services.json").status_code == 405
