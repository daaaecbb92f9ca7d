"""Shared fixtures of the lists' tests: a county, users, the reference lists loaded."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from huying.catalog.reference import catalogue_load_reference
from huying.org.models import OrgUnit, User

TZ = ZoneInfo("Asia/Shanghai")
EFFECTIVE = date(2025, 1, 1)


@pytest.fixture
def now() -> datetime:
    return datetime(2025, 3, 3, 10, 0, tzinfo=TZ)


@pytest.fixture
def county(db) -> OrgUnit:
    unit = OrgUnit.objects.create(level="county", code="371082", name="示范市")
    unit.path = f"/{unit.pk}/"
    unit.save()
    return unit


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_user(username="admin", password="x", is_staff=True,
                                    is_superuser=True, full_name="管理员")


@pytest.fixture
def clerk(db) -> User:
    return User.objects.create_user(username="clerk", password="x", full_name="张三",
                                    phone="13800000000")


@pytest.fixture
def loaded(county, now) -> dict:
    """The reference lists, published and in force from 2025-01-01."""
    return catalogue_load_reference(actor=None, county=county, now=now,
                                    effective_from=EFFECTIVE)
