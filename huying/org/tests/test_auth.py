"""Bearer tokens and CSRF-checked sessions for the API; `huying token issue|revoke`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from huying.common.errors import PermissionDenied
from huying.common.models import ApiToken
from huying.org.auth import token_digest, token_issue, token_revoke
from tests.factories import build_world

QUEUES = "/api/v1/queues"


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(timezone.now())


def bearer(plaintext: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_without_session_or_token_the_api_answers_401_json(world, client):
    response = client.get(QUEUES)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert client.post("/api/v1/cases", {}, content_type="application/json").status_code == 401


def test_a_token_authenticates_and_only_its_digest_is_stored(world, client):
    token, plaintext = token_issue(actor=None, user=world.user("supervisor"), name="12345",
                                   now=timezone.now())
    assert token.digest == token_digest(plaintext) and plaintext not in token.digest
    response = client.get(QUEUES, **bearer(plaintext))
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_or_wrong_token_or_inactive_user_is_401(world, client):
    token, plaintext = token_issue(actor=None, user=world.user("supervisor"), name="12345",
                                   now=timezone.now())
    assert client.get(QUEUES, **bearer(plaintext + "x")).status_code == 401
    token_revoke(actor=None, token_id=token.pk, now=timezone.now())
    assert client.get(QUEUES, **bearer(plaintext)).status_code == 401
    _other, second = token_issue(actor=None, user=world.user("leader"), name="大屏",
                                 now=timezone.now())
    leader = world.user("leader")
    leader.is_active = False
    leader.save()
    assert client.get(QUEUES, **bearer(second)).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(world, client):
    token, plaintext = token_issue(actor=None, user=world.user("supervisor"), name="12345",
                                   now=timezone.now())
    client.get(QUEUES, **bearer(plaintext))
    token.refresh_from_db()
    first = token.last_used_at
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(QUEUES, **bearer(plaintext))
    assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(QUEUES, **bearer(plaintext))
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


def test_a_token_client_posts_without_csrf(world):
    _token, plaintext = token_issue(actor=None, user=world.user("supervisor"), name="12345",
                                    now=timezone.now())
    client = Client(enforce_csrf_checks=True)
    lon, lat = world.point_in(0)
    response = client.post("/api/v1/cases", {
        "county": world.county.code, "channel": "12345", "title": "噪音扰民",
        "description": "夜间施工噪音。", "longitude": lon, "latitude": lat,
        "external_ref": "GD-1"}, content_type="application/json", **bearer(plaintext))
    assert response.status_code == 201


def test_a_session_must_send_the_csrf_token_on_unsafe_methods(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("supervisor"))
    assert client.get(QUEUES).status_code == 200
    refused = client.post("/api/v1/cases", {}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    client.get("/admin/login/")  # any page that sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post("/api/v1/cases", {}, content_type="application/json",
                           HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 422  # past authentication, refused on its body


def test_only_administrators_issue_or_revoke_tokens(world):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        token_issue(actor=world.user("supervisor"), user=world.user("supervisor"), name="x",
                    now=now)
    token, _plaintext = token_issue(actor=world.user("admin"), user=world.user("supervisor"),
                                    name="x", now=now)
    with pytest.raises(PermissionDenied):
        token_revoke(actor=world.user("supervisor"), token_id=token.pk, now=now)
    assert token_revoke(actor=world.user("admin"), token_id=token.pk, now=now).revoked


def test_the_command_prints_the_token_once_and_revokes_it(world, client):
    out = StringIO()
    call_command("token", "issue", "supervisor", "--name", "12345 热线", stdout=out)
    plaintext = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.digest == token_digest(plaintext) and token.name == "12345 热线"
    assert client.get(QUEUES, **bearer(plaintext)).status_code == 200
    call_command("token", "revoke", str(token.pk), stdout=StringIO())
    assert client.get(QUEUES, **bearer(plaintext)).status_code == 401
    with pytest.raises(CommandError):
        call_command("token", "issue", "nobody", "--name", "x", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("token", "revoke", "999999", stdout=StringIO())
