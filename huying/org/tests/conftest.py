from __future__ import annotations

from datetime import UTC, datetime

import pytest

from huying.org import services
from huying.org.models import DepartmentKind, Level

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def square(x0: float, y0: float, size: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + size, y0],
                                                [x0 + size, y0 + size], [x0, y0 + size],
                                                [x0, y0]]]}


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def county(db):
    return services.unit_create(actor=None, parent=None, level=Level.COUNTY, name="示范市",
                                code="379901", geometry=square(122.0, 37.0, 1.0), now=NOW)


@pytest.fixture
def town(county):
    return services.unit_create(actor=None, parent=county, level=Level.TOWN, name="海滨街道",
                                is_street=True, geometry=square(122.0, 37.0, 0.5), now=NOW)


@pytest.fixture
def community(town):
    return services.unit_create(actor=None, parent=town, level=Level.COMMUNITY,
                                name="听涛社区", geometry=square(122.0, 37.0, 0.2), now=NOW)


@pytest.fixture
def grid(community):
    return services.unit_create(actor=None, parent=community, level=Level.GRID,
                                name="听涛社区第1网格", geometry=square(122.0, 37.0, 0.1),
                                now=NOW)


@pytest.fixture
def department(county):
    return services.department_create(actor=None, code="D05", name="市住房和城乡建设局",
                                      short_name="住建局",
                                      kind=DepartmentKind.GOVERNMENT, unit=county, now=NOW)


@pytest.fixture
def centre(county):
    return services.department_create(actor=None, code="D30", name="市联动指挥中心",
                                      kind=DepartmentKind.CENTRE, unit=county, now=NOW)


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(username: str | None = None, **kwargs):
        return services.user_create(actor=None, username=username or f"u{next(counter)}",
                                    full_name=kwargs.pop("full_name", "张三"), now=NOW,
                                    **kwargs)
    return make


@pytest.fixture
def admin_user(make_user, county):
    user = make_user("admin1")
    services.membership_grant(actor=None, user=user, role="admin", unit=county, now=NOW)
    user.refresh_from_db()
    return user
