from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from huying.common.tests.factories import World, build_world

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
WEBHOOK_URL = "https://gateway.example.test/huying"


@pytest.fixture
def now() -> datetime:
    return MONDAY


@pytest.fixture
def world(db, now) -> World:
    return build_world(now)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def webhook_url(settings) -> str:
    settings.HUYING_WEBHOOK_URL = WEBHOOK_URL
    return WEBHOOK_URL


class FakeSender:
    """Records every POST; fails while `failures` is positive."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls: list[tuple[str, bytes, dict[str, str], float]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> None:
        self.calls.append((url, body, headers, timeout))
        if self.failures:
            self.failures -= 1
            raise OSError("connection refused")


@pytest.fixture
def sender(monkeypatch) -> FakeSender:
    """Replaces the real HTTP sender for the tasks, which use the default sender."""
    from huying.notifications import webhooks

    fake = FakeSender()
    monkeypatch.setattr(webhooks, "http_send", fake)
    return fake


@pytest.fixture
def huey_immediate():
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before
