"""Keys bound to a channel and a source system, and the channel's default matter."""

from __future__ import annotations

import pytest

from huying.cases.channel_keys import channel_key_issue
from huying.cases.models import Case, CaseStatus, Channel, IntakeRecord
from huying.cases.tests.conftest import MONDAY, post_json
from huying.cases.tests.test_api_intake_channels import URL, intake_body
from huying.common.errors import NotFound, PermissionDenied


def key_client(world, channel: str, source: str):
    from django.test import Client

    _key, plaintext = channel_key_issue(actor=None, user=world.user("supervisor"),
                                        channel_code=channel, source_system=source, now=MONDAY)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def test_two_keyed_source_systems_keep_the_same_external_id_apart(world):
    province = post_json(key_client(world, "12345", "省12345"), f"{URL}/12345",
                         intake_body(world))
    city = post_json(key_client(world, "12345", "市12345"), f"{URL}/12345",
                     intake_body(world, title="另一件事"))
    assert (province.status_code, city.status_code) == (201, 201)
    assert IntakeRecord.objects.get(source_system="省12345").case.number == (
        province.json()["number"])
    assert IntakeRecord.objects.get(source_system="市12345").case.number == city.json()["number"]


def test_a_key_files_through_its_own_channel_and_name_only(world):
    client = key_client(world, "12345", "省12345")
    other_channel = post_json(client, f"{URL}/96119", intake_body(world))
    assert other_channel.status_code == 403
    assert other_channel.json()["code"] == "channel_not_allowed"
    other_name = post_json(client, f"{URL}/12345", intake_body(world, source_system="市12345"))
    assert other_name.status_code == 403
    assert other_name.json()["code"] == "source_system_not_allowed"
    assert "省12345" in other_name.json()["message"]
    same_name = post_json(client, f"{URL}/12345", intake_body(world, source_system="省12345"))
    assert same_name.status_code == 201
    assert Case.objects.count() == 1


def test_a_caller_without_a_key_cannot_file_as_another_system(world, api_as):
    response = post_json(api_as("supervisor"), f"{URL}/12345",
                         intake_body(world, source_system="省12345"))
    assert response.status_code == 403
    assert response.json()["code"] == "source_system_not_allowed"
    assert not Case.objects.exists() and not IntakeRecord.objects.exists()


def test_issuing_a_key_needs_an_admin_and_a_known_channel(world):
    with pytest.raises(PermissionDenied):
        channel_key_issue(actor=world.user("supervisor"), user=world.user("supervisor"),
                          channel_code="12345", source_system="x", now=MONDAY)
    with pytest.raises(NotFound):
        channel_key_issue(actor=None, user=world.user("supervisor"), channel_code="fax",
                          source_system="x", now=MONDAY)


def test_the_channel_default_matter_registers_a_located_report(world, api_as):
    Channel.objects.filter(code="city_management").update(default_matter_code="M002")
    client = api_as("supervisor")
    located = post_json(client, f"{URL}/city_management", intake_body(world))
    assert located.status_code == 201
    case = Case.objects.get(number=located.json()["number"])
    assert case.status == CaseStatus.REGISTERED and case.matter_type.code == "M002"
    body = intake_body(world, external_id="GD-0002")
    del body["longitude"], body["latitude"]
    unlocated = post_json(client, f"{URL}/city_management", body)
    assert unlocated.status_code == 201
    assert Case.objects.get(number=unlocated.json()["number"]).status == CaseStatus.REPORTED


def test_a_retry_with_another_matter_is_a_conflict(world, api_as):
    client = api_as("supervisor")
    assert post_json(client, f"{URL}/12345", intake_body(world, matter="M002")).status_code == 201
    again = post_json(client, f"{URL}/12345", intake_body(world, matter="M003"))
    assert again.status_code == 409
    assert again.json()["code"] == "intake_conflict"


def test_an_unknown_default_matter_is_refused_by_the_admin_form(world):
    from django.core.exceptions import ValidationError

    channel = Channel.objects.get(code="12345")
    channel.default_matter_code = "NOPE"
    with pytest.raises(ValidationError):
        channel.full_clean()
