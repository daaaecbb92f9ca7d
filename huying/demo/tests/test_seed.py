from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from shapely import STRtree
from shapely.geometry import shape

from huying.demo.geography import SMALL, Sizes
from huying.demo.people import DEMO_PASSWORD
from huying.demo.seed import COUNTY_CODE, demo_login_rows, demo_seed
from huying.org.geometry import UnitLocator
from huying.org.models import (
    Department,
    DepartmentKind,
    GridStaffing,
    Level,
    Membership,
    OrgUnit,
    Role,
    StaffingPosition,
    User,
)
from huying.org.services import FIXED_POSITIONS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# Tolerance for shared edges: 1e-12 square degrees is about 0.01 m².
AREA_TOLERANCE = 1e-12


@pytest.fixture
def county(db):
    return demo_seed(seed=7, sizes=SMALL, now=NOW).county


def snapshot() -> list[tuple]:
    return list(OrgUnit.objects.order_by("code").values_list(
        "code", "name", "level", "is_street", "is_sea", "geometry"))


def test_the_same_seed_builds_the_same_county(db):
    with transaction.atomic():
        demo_seed(seed=7, sizes=SMALL, now=NOW)
        first = snapshot()
        first_people = list(User.objects.order_by("username").values_list(
            "username", "full_name", "phone", "id_number"))
        transaction.set_rollback(True)
    assert not OrgUnit.objects.exists()
    demo_seed(seed=7, sizes=SMALL, now=NOW)
    assert snapshot() == first
    assert list(User.objects.order_by("username").values_list(
        "username", "full_name", "phone", "id_number")) == first_people


def test_another_seed_draws_another_map(db):
    with transaction.atomic():
        demo_seed(seed=7, sizes=SMALL, now=NOW)
        first = snapshot()
        transaction.set_rollback(True)
    demo_seed(seed=8, sizes=SMALL, now=NOW)
    assert [row[5] for row in snapshot()] != [row[5] for row in first]


def test_seeding_again_changes_nothing(county):
    units, users, memberships = (OrgUnit.objects.count(), User.objects.count(),
                                 Membership.objects.count())
    messages: list[str] = []
    result = demo_seed(seed=7, sizes=SMALL, now=NOW, report=messages.append)
    assert not result.created
    assert result.county == county
    assert "已存在" in messages[-1]
    assert (OrgUnit.objects.count(), User.objects.count(), Membership.objects.count()) == (
        units, users, memberships)


def test_the_tree_has_every_level_with_codes_under_their_parents(county):
    levels = Counter(OrgUnit.objects.values_list("level", flat=True))
    assert levels[Level.COUNTY] == 1
    assert levels[Level.TOWN] == SMALL.towns
    assert levels[Level.UNIT] > 0 and levels[Level.CELL] > 0
    assert OrgUnit.objects.filter(level=Level.GRID, is_sea=True).count() >= 2
    assert OrgUnit.objects.filter(level=Level.TOWN, is_street=True).count() == SMALL.streets
    for unit in OrgUnit.objects.exclude(level=Level.COUNTY).select_related("parent"):
        assert unit.code.startswith(unit.parent.code)
        assert unit.path == f"{unit.parent.path}{unit.pk}/"
        assert unit.geometry is not None


def test_children_tile_their_parent_without_overlap(county):
    units = list(OrgUnit.objects.all())
    shapes = {u.pk: shape(u.geometry) for u in units}
    children: dict[int, list[int]] = {}
    for unit in units:
        if unit.parent_id:
            children.setdefault(unit.parent_id, []).append(unit.pk)
    checked = 0
    for parent_id, kids in children.items():
        parent = shapes[parent_id]
        geoms = [shapes[k] for k in kids]
        tree = STRtree(geoms)
        for i, geom in enumerate(geoms):
            assert geom.is_valid
            assert geom.difference(parent).area < AREA_TOLERANCE, "child outside its parent"
            for j in tree.query(geom):
                if j > i:
                    assert geom.intersection(geoms[j]).area < AREA_TOLERANCE, "overlap"
        # Together the children cover the parent.
        assert abs(sum(g.area for g in geoms) - parent.area) < parent.area * 1e-6
        checked += 1
    assert checked > 10


def test_points_inside_a_grid_are_located_to_it_or_below(county):
    locator = UnitLocator(county)
    for grid in OrgUnit.objects.filter(level=Level.GRID):
        point = shape(grid.geometry).representative_point()
        found = locator.locate(point.x, point.y)
        assert found is not None and found.is_within(grid)
    assert locator.locate(121.0, 37.0) is None


def test_every_role_has_a_user(county):
    held = set(Membership.objects.filter(active=True).values_list("role", flat=True))
    assert held == set(Role.values)
    assert User.objects.filter(username="admin", is_superuser=True, is_staff=True).exists()
    assert User.objects.get(username="zhihui1").check_password(DEMO_PASSWORD)


def test_departments_have_staff_and_a_leader_in_charge(county):
    county_departments = Department.objects.filter(unit=county)
    assert county_departments.count() >= 30
    assert county_departments.get(code="D30").kind == DepartmentKind.CENTRE
    assert not county_departments.filter(leader_in_charge__isnull=True).exists()
    town_centres = Department.objects.filter(kind=DepartmentKind.CENTRE, unit__level=Level.TOWN)
    assert town_centres.count() >= 1
    for department in county_departments.exclude(kind=DepartmentKind.CENTRE):
        roles = Counter(department.memberships.values_list("role", flat=True))
        assert roles[Role.DEPT_HEAD] == 1 and roles[Role.DEPT_DEPUTY] == 1
        assert 1 <= roles[Role.RESPONDER] <= 2
    leaders = Membership.objects.filter(role=Role.LEADER, unit=county).count()
    assert leaders >= 2


def test_each_grid_has_the_five_fixed_staffing_positions(county):
    for grid in OrgUnit.objects.filter(level=Level.GRID):
        positions = Counter(GridStaffing.objects.filter(grid=grid)
                            .values_list("position", flat=True))
        for position in FIXED_POSITIONS:
            assert positions[position] == 1, (grid, position)
        worker = GridStaffing.objects.get(grid=grid, position=StaffingPosition.FULL_TIME).user
        assert Membership.objects.filter(user=worker, role=Role.GRID_WORKER, unit=grid).exists()
    assert GridStaffing.objects.filter(position=StaffingPosition.PART_TIMER).exists()


def test_the_demo_logins_cover_every_kind_of_user(county):
    rows = demo_login_rows()
    usernames = {r.username for r in rows}
    assert {"admin", "zhihui1", "dangwei1", "zhengfu1", "d05_head", "d05_deputy",
            "d05_resp1", "town01_initiator", "town01_reviewer", "town01_supervisor",
            "comm001_initiator", "grid0001", "vol001"} <= usernames
    assert all(r.password == DEMO_PASSWORD and r.place != "—" for r in rows)


def test_the_sign_in_page_lists_the_demo_logins_only_when_switched_on(county, client,
                                                                       settings):
    settings.HUYING_DEMO_LOGINS = True
    page = client.get("/accounts/login/").content.decode()
    assert "town01_initiator" in page and DEMO_PASSWORD in page
    settings.HUYING_DEMO_LOGINS = False
    page = client.get("/accounts/login/").content.decode()
    assert "town01_initiator" not in page and DEMO_PASSWORD not in page


def test_the_commands_print_progress_and_logins(db, capsys):
    call_command("demo", "seed", "--small", "--seed", "3")
    out = capsys.readouterr().out
    assert "[3/8]" in out and "[8/8]" in out
    call_command("demo", "logins")
    out = capsys.readouterr().out
    assert "zhihui1" in out and DEMO_PASSWORD in out
    call_command("demo", "seed", "--small", "--seed", "3")
    assert "已存在" in capsys.readouterr().out
    assert OrgUnit.objects.filter(code=COUNTY_CODE).count() == 1


@pytest.mark.slow
def test_the_full_size_county_has_the_planned_scale(db):
    result = demo_seed(seed=42, sizes=Sizes(), now=NOW)
    assert 780 <= result.counts["grids"] <= 830
    assert result.counts["towns"] == 12
    assert 75 <= result.counts["communities"] <= 90
