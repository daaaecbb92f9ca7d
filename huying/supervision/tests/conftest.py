from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from huying.cases import services as cs
from huying.cases.models import Case
from huying.cases.tests.conftest import called
from huying.common.tests.factories import World, build_world, person
from huying.org import services as org
from huying.org.models import Role
from huying.supervision.models import LeaderKind
from huying.supervision.services import leader_post_set

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)

# One matter type of each colour (huying/catalog/data/catalog.json), none of them urgent, so
# the case keeps its type's colour.
RED, ORANGE, YELLOW, BLUE, GREEN = "M018", "M036", "M020", "M003", "M002"


def staff_world(world: World, now: datetime) -> World:
    """build_world plus what the ladder needs: a deputy head for D05, the party and
    government leaders in charge, and D05's leader in charge (a government leader)."""
    person(world, "deputy_d05", Role.DEPT_DEPUTY, department=world.dept("D05"), now=now)
    person(world, "party_leader", Role.LEADER, unit=world.county, now=now)
    person(world, "gov_leader", Role.LEADER, unit=world.county, now=now)
    leader_post_set(actor=None, user=world.user("party_leader"), county=world.county,
                    kind=LeaderKind.PARTY, now=now)
    leader_post_set(actor=None, user=world.user("gov_leader"), county=world.county,
                    kind=LeaderKind.GOVERNMENT, now=now)
    org.department_set_leader(actor=None, department=world.dept("D05"),
                              leader=world.user("gov_leader"), now=now)
    world.dept("D05").refresh_from_db()
    return world


@pytest.fixture
def now() -> datetime:
    return MONDAY


@pytest.fixture
def world(db, now) -> World:
    return staff_world(build_world(now), now)


def dispatch(world: World, *, matter: str, now: datetime, lead: str = "D05",
             co: tuple[str, ...] = (), **extra) -> tuple[Case, list]:
    case = called(world, matter=matter, now=now)
    if extra:
        Case.objects.filter(pk=case.pk).update(**extra)
        case.refresh_from_db()
    assignments = cs.case_dispatch(case=case, actor=world.user("supervisor"),
                                   lead=world.dept(lead), co=[world.dept(c) for c in co],
                                   now=now)
    case.refresh_from_db()
    return case, assignments


@pytest.fixture(autouse=True)
def fresh_locators():
    from huying.cases.locating import locator_forget

    locator_forget()
    yield
    locator_forget()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
