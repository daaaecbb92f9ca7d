"""POST /intake/{channel}: the channel registry, idempotency per (channel, source system,
external id), conflicts, and POST /cases keyed per caller."""

from __future__ import annotations

from huying.cases.models import CHANNELS, Case, CaseEvent, Channel, ChannelKind, IntakeRecord
from huying.cases.tests.conftest import post_json
from huying.common import memo

URL = "/api/v1/intake"


def intake_body(world, *, grid: int = 0, **extra) -> dict:
    lon, lat = world.point_in(grid)
    return {"county": world.county.code, "title": "消防通道被占", "external_id": "GD-0001",
            "description": "小区消防通道被车辆长期占用。", "longitude": lon, "latitude": lat,
            "reporter_name": "李四", "reporter_phone": "13812345678", **extra}


def test_the_seeded_registry_has_each_hotline_on_its_own_row(db):
    codes = dict(Channel.objects.values_list("code", "kind"))
    for code in ("12345", "96119", "12322", "12333", "grid", "city_management",
                 "minsheng_110", "petition", "web", "open311", "town", "other_hotline"):
        assert code in codes, code
    assert codes["open311"] == ChannelKind.OPEN311
    assert Channel.objects.get(code="96119").hotline_number == "96119"


def test_first_intake_is_201_and_the_retry_200_with_the_same_case(world, api_as):
    client = api_as("supervisor")
    first = post_json(client, f"{URL}/96119", intake_body(world))
    again = post_json(client, f"{URL}/96119", intake_body(world))
    assert (first.status_code, again.status_code) == (201, 200)
    assert (first.json()["created"], again.json()["created"]) == (True, False)
    assert again.json()["number"] == first.json()["number"]
    assert first.json()["channel"] == "96119"
    assert first.json()["channel_label"] == "96119火灾隐患举报热线"
    case = Case.objects.get()
    assert case.events.count() == 1
    record = IntakeRecord.objects.get()
    assert (record.channel, record.source_system, record.external_id, record.case) == (
        "96119", "supervisor", "GD-0001", case)


def test_a_different_payload_under_the_same_id_is_409_and_adds_nothing(world, api_as):
    client = api_as("supervisor")
    first = post_json(client, f"{URL}/12345", intake_body(world))
    conflict = post_json(client, f"{URL}/12345", intake_body(world, title="另一件事"))
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["code"] == "intake_conflict"
    assert first.json()["number"] in body["message"]
    details = body["details"]
    assert details["case"] == first.json()["number"]
    assert details["first_sha256"] == IntakeRecord.objects.get().payload_sha256
    assert len(details["this_sha256"]) == 64 and details["this_sha256"] != details["first_sha256"]
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_two_callers_with_the_same_external_id_get_two_cases(world, api_as):
    mine = post_json(api_as("initiator_a"), f"{URL}/city_management", intake_body(world))
    theirs = post_json(api_as("initiator_b"), f"{URL}/city_management",
                       intake_body(world, grid=2, title="占道经营"))
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["number"] != theirs.json()["number"]
    assert sorted(IntakeRecord.objects.values_list("source_system", flat=True)) == [
        "initiator_a", "initiator_b"]


def test_a_bad_field_is_422_naming_it_and_writes_nothing(world, api_as):
    client = api_as("supervisor")
    for bad, field in [({"title": "长" * 201}, "title"), ({"external_id": ""}, "external_id"),
                       ({"description": "  "}, "description")]:
        response = post_json(client, f"{URL}/12345", intake_body(world, **bad))
        assert response.status_code == 422, bad
        assert response.json()["details"]["fields"][0]["field"] == field
    bad_phone = post_json(client, f"{URL}/12345", intake_body(world, reporter_phone="abc"))
    assert bad_phone.status_code == 422
    assert bad_phone.json()["details"]["field"] == "reporter_phone"
    outside = post_json(client, f"{URL}/12345", intake_body(world, longitude=10.0, latitude=10.0))
    assert outside.status_code == 422
    assert not Case.objects.exists() and not IntakeRecord.objects.exists()


def test_an_unknown_or_inactive_channel_is_404_in_chinese(world, api_as):
    Channel.objects.filter(code="petition").update(active=False)
    memo.forget(CHANNELS)  # a bulk update sends no signal
    client = api_as("supervisor")
    for code in ("fax", "petition"):
        response = post_json(client, f"{URL}/{code}", intake_body(world))
        assert response.status_code == 404, code
        assert response.json()["message"] == f"未知或已停用的渠道 {code}。"
    assert not Case.objects.exists()


def test_a_channel_added_in_the_registry_is_accepted_at_once(world, api_as):
    Channel.objects.create(code="12315", name="12315消费者投诉热线",
                           kind=ChannelKind.OTHER_HOTLINE, hotline_number="12315")
    response = post_json(api_as("supervisor"), f"{URL}/12315", intake_body(world))
    assert response.status_code == 201
    assert response.json()["channel_label"] == "12315消费者投诉热线"
    cases = post_json(api_as("supervisor"), "/api/v1/cases",
                      {**intake_body(world, title="二次"), "channel": "12315"})
    assert cases.status_code == 201


def test_intake_without_signing_in_is_401(world, client):
    response = post_json(client, f"{URL}/12345", intake_body(world))
    assert response.status_code == 401
    assert not Case.objects.exists()


def test_post_cases_keys_the_external_ref_per_caller(world, api_as):
    """grid_a2's own report under a ref grid_a used is a new case, not grid_a's (a 404)."""
    lon, lat = world.point_in(0)
    lon2, lat2 = world.point_in(1)
    body = {"county": world.county.code, "channel": "grid", "external_ref": "APP-7",
            "title": "井盖缺失", "description": "人行道井盖缺失。"}
    first = post_json(api_as("grid_a"), "/api/v1/cases", {**body, "longitude": lon,
                                                          "latitude": lat})
    other = post_json(api_as("grid_a2"), "/api/v1/cases",
                      {**body, "title": "路灯不亮", "longitude": lon2, "latitude": lat2})
    assert (first.status_code, other.status_code) == (201, 201)
    assert first.json()["number"] != other.json()["number"]
    assert Case.objects.filter(external_ref="APP-7").count() == 2


def test_post_cases_with_a_different_payload_under_a_used_ref_is_409(world, api_as):
    lon, lat = world.point_in(0)
    body = {"county": world.county.code, "channel": "grid", "external_ref": "APP-8",
            "title": "井盖缺失", "description": "人行道井盖缺失。", "longitude": lon,
            "latitude": lat}
    client = api_as("grid_a")
    assert post_json(client, "/api/v1/cases", body).status_code == 201
    conflict = post_json(client, "/api/v1/cases", {**body, "description": "另一处井盖缺失。"})
    assert conflict.status_code == 409 and conflict.json()["code"] == "intake_conflict"
    assert Case.objects.count() == 1


def test_the_seed_list_and_the_migration_name_the_same_channels(db):
    import importlib

    from huying.cases.channels import CHANNEL_SEED

    migration = importlib.import_module("huying.cases.migrations.0004_channel_registry")
    assert migration.CHANNELS == CHANNEL_SEED


def test_seeding_adds_only_the_missing_rows_and_keeps_edits(db):
    from huying.cases.channels import channels_seed

    Channel.objects.filter(code="12345").update(name="本县12345")

    memo.forget(CHANNELS)  # a bulk update sends no signal
    Channel.objects.filter(code="open311").delete()
    assert channels_seed(channel_model=Channel) == 1
    assert Channel.objects.get(code="12345").name == "本县12345"
    assert Channel.objects.filter(code="open311").exists()


def test_a_malformed_body_is_422_not_500(world, api_as):
    response = api_as("supervisor").post(f"{URL}/12345", "{not json",
                                         content_type="application/json")
    assert response.status_code in (400, 422)
    assert not Case.objects.exists()


def test_the_admin_lists_and_edits_channels(world, client):
    client.force_login(world.user("admin"))
    listing = client.get("/admin/cases/channel/")
    assert listing.status_code == 200 and "96119火灾隐患举报热线" in listing.content.decode()
    channel = Channel.objects.get(code="96119")
    page = client.get(f"/admin/cases/channel/{channel.pk}/change/")
    assert page.status_code == 200
    assert client.get("/admin/cases/intakerecord/").status_code == 200


def test_a_database_unreachable_for_a_moment_is_503_in_chinese(world, api_as, monkeypatch):
    from django.db import OperationalError

    from huying.cases import api

    def restarting(code: str):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(api.reads, "channel_by_code", restarting)
    response = post_json(api_as("supervisor"), f"{URL}/12345", intake_body(world))
    assert response.status_code == 503
    assert response.json() == {"code": "database_unavailable",
                               "message": "数据库暂时不可用，请几秒后重试。"}
    assert response["Retry-After"] == "5"
