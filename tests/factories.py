"""A small county for tests, built through the real services: two towns, a community and two
grids in each, the reference catalogue (30 departments, 92 matter types, four lists) and one
user for every role. Small enough to build in a fraction of a second."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from huying.cases.channels import channels_seed
from huying.cases.models import Channel
from huying.catalog.reference import catalogue_load_reference
from huying.org import services as org
from huying.org.models import (
    Department,
    DepartmentKind,
    Level,
    OrgUnit,
    Role,
    User,
    VolunteerTeam,
)
from huying.sensitive.lexicon import lexicon_seed
from huying.sensitive.models import SensitiveRule
from huying.sensitive.selectors import matcher_forget

PASSWORD = "test-pass-2026"


def square(x: float, y: float, size: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size],
                                                [x, y + size], [x, y]]]}


@dataclass
class World:
    county: OrgUnit
    towns: list[OrgUnit] = field(default_factory=list)
    communities: list[OrgUnit] = field(default_factory=list)
    grids: list[OrgUnit] = field(default_factory=list)
    departments: dict[str, Department] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    team: VolunteerTeam | None = None

    def dept(self, code: str) -> Department:
        return self.departments[code]

    def user(self, name: str) -> User:
        return self.users[name]

    def point_in(self, grid_index: int) -> tuple[float, float]:
        ring = self.grids[grid_index].geometry["coordinates"][0]
        return (ring[0][0] + ring[2][0]) / 2, (ring[0][1] + ring[2][1]) / 2


def person(world: World, key: str, role: str, *, now: datetime, unit: OrgUnit | None = None,
           department: Department | None = None) -> User:
    user = org.user_create(actor=None, username=key, full_name=key, password=PASSWORD,
                           phone="13800000000", now=now)
    org.membership_grant(actor=None, user=user, role=role, unit=unit, department=department,
                         now=now)
    world.users[key] = user
    return user


def build_world(now: datetime, *, effective_from: date = date(2024, 1, 1)) -> World:
    county = org.unit_create(actor=None, parent=None, level=Level.COUNTY, name="示范市",
                             code="371099", geometry=square(122.0, 37.0, 0.4), now=now)
    world = World(county=county)
    for t, town_name in enumerate(["海滨街道", "石岭镇"]):
        x = 122.0 + 0.2 * t
        town = org.unit_create(actor=None, parent=county, level=Level.TOWN, name=town_name,
                               geometry=square(x, 37.0, 0.2), is_street=t == 0, now=now)
        community = org.unit_create(actor=None, parent=town, level=Level.COMMUNITY,
                                    name=f"{town_name}第一社区", geometry=square(x, 37.0, 0.2),
                                    now=now)
        world.towns.append(town)
        world.communities.append(community)
        for g in range(2):
            world.grids.append(org.unit_create(
                actor=None, parent=community, level=Level.GRID, name=f"{town_name}网格{g + 1}",
                geometry=square(x + 0.1 * g, 37.0, 0.1), now=now))
    catalogue_load_reference(actor=None, county=county, now=now, effective_from=effective_from)
    # Transactional tests flush the channels the migration seeded: put back the missing ones.
    channels_seed(channel_model=Channel)
    lexicon_seed(rule_model=SensitiveRule)
    matcher_forget()
    world.departments = {d.code: d for d in Department.objects.filter(unit=county)}
    centre = next(d for d in world.departments.values() if d.kind == DepartmentKind.CENTRE)

    a, b = world.towns
    person(world, "grid_a", Role.GRID_WORKER, unit=world.grids[0], now=now)
    person(world, "grid_a2", Role.GRID_WORKER, unit=world.grids[1], now=now)
    person(world, "grid_b", Role.GRID_WORKER, unit=world.grids[2], now=now)
    person(world, "community_a", Role.INITIATOR, unit=world.communities[0], now=now)
    person(world, "initiator_a", Role.INITIATOR, unit=a, now=now)
    person(world, "reviewer_a", Role.TOWN_REVIEWER, unit=a, now=now)
    person(world, "initiator_b", Role.INITIATOR, unit=b, now=now)
    person(world, "reviewer_b", Role.TOWN_REVIEWER, unit=b, now=now)
    person(world, "supervisor", Role.SUPERVISOR, department=centre, now=now)
    person(world, "leader", Role.LEADER, unit=county, now=now)
    for code in ("D01", "D05", "D07", "D25", "D26", "D11"):
        person(world, f"responder_{code.lower()}", Role.RESPONDER,
               department=world.dept(code), now=now)
    person(world, "head_d05", Role.DEPT_HEAD, department=world.dept("D05"), now=now)
    team = org.volunteer_team_create(actor=None, name="海滨志愿服务队", unit=a, now=now)
    for key in ("volunteer_1", "volunteer_2"):
        user = org.user_create(actor=None, username=key, full_name=key, password=PASSWORD,
                               now=now)
        org.volunteer_join(actor=None, team=team, user=user, now=now)
        world.users[key] = user
    world.team = team
    admin = org.user_create(actor=None, username="admin", full_name="管理员",
                            password=PASSWORD, now=now)
    admin.is_superuser = admin.is_staff = True
    admin.save()
    world.users["admin"] = admin
    return world


def figures_refresh(now: datetime | None = None) -> int:
    """Apply the rollup refreshes the test's changes queued: after a real commit they run by
    themselves, but nothing commits inside a test's transaction."""
    from django.utils import timezone

    from huying.analytics.rollups import rollups_refresh_queued

    return rollups_refresh_queued(now=now or timezone.now())
