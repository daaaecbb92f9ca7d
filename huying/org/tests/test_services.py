from __future__ import annotations

import pytest

from huying.common.errors import PermissionDenied, ValidationFailed
from huying.org import services
from huying.org.models import (
    GridStaffing,
    Level,
    Membership,
    OrgUnit,
    Role,
    StaffingPosition,
)
from huying.org.tests.conftest import NOW, square


def test_unit_create_generates_codes_under_the_parent_and_sets_the_path(county, town):
    assert town.code == "379901001"
    assert town.path == f"/{county.pk}/{town.pk}/"
    second = services.unit_create(actor=None, parent=county, level=Level.TOWN, name="青石镇",
                                  now=NOW)
    assert second.code == "379901002"
    community = services.unit_create(actor=None, parent=second, level=Level.COMMUNITY,
                                     name="于家疃村", now=NOW)
    grid = services.unit_create(actor=None, parent=community, level=Level.GRID, name="网格",
                                now=NOW)
    assert community.code == "379901002001"
    assert grid.code == "379901002001001"
    assert grid.path == f"/{county.pk}/{second.pk}/{community.pk}/{grid.pk}/"


def test_unit_create_accepts_a_given_code_that_extends_the_parent(county):
    town = services.unit_create(actor=None, parent=county, level=Level.TOWN, name="镇",
                                code="379901007", now=NOW)
    assert town.code == "379901007"
    nxt = services.unit_create(actor=None, parent=county, level=Level.TOWN, name="镇二", now=NOW)
    assert nxt.code == "379901008"


@pytest.mark.parametrize("code", ["379902001", "37990100", "3799010011", "37990100a"])
def test_unit_create_refuses_a_code_not_under_the_parent(county, code):
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=None, parent=county, level=Level.TOWN, name="镇",
                             code=code, now=NOW)
    assert OrgUnit.objects.count() == 1


def test_unit_create_refuses_a_duplicate_code(county, town):
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=None, parent=county, level=Level.TOWN, name="镇",
                             code=town.code, now=NOW)


def test_unit_create_refuses_skipping_a_level(county, town):
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=None, parent=county, level=Level.GRID, name="网格", now=NOW)
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=None, parent=town, level=Level.TOWN, name="镇", now=NOW)
    assert OrgUnit.objects.count() == 2


def test_a_county_has_no_parent_and_a_six_digit_code(county):
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=None, parent=county, level=Level.COUNTY, name="县",
                             code="379902", now=NOW)
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=None, parent=None, level=Level.COUNTY, name="县",
                             code="37990", now=NOW)
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=None, parent=None, level=Level.TOWN, name="镇", now=NOW)


def test_only_a_town_can_be_a_street(town):
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=None, parent=town, level=Level.COMMUNITY, name="社区",
                             is_street=True, now=NOW)


@pytest.mark.parametrize("geometry", [
    {"type": "Point", "coordinates": [122.1, 37.1]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
    {"type": "Polygon", "coordinates": [[[190, 0], [191, 0], [191, 1], [190, 0]]]},
    "not json {",
])
def test_unit_create_with_an_invalid_boundary_saves_nothing(county, geometry):
    with pytest.raises(ValidationFailed) as info:
        services.unit_create(actor=None, parent=county, level=Level.TOWN, name="镇",
                             geometry=geometry, now=NOW)
    assert "GeoJSON" in info.value.message
    assert OrgUnit.objects.count() == 1


def test_unit_update_geometry_validates_and_replaces(town):
    services.unit_update_geometry(actor=None, unit=town, geometry=square(122.1, 37.1, 0.1),
                                  now=NOW)
    town.refresh_from_db()
    assert town.geometry["coordinates"][0][0] == [122.1, 37.1]
    with pytest.raises(ValidationFailed):
        services.unit_update_geometry(actor=None, unit=town, geometry={"type": "Polygon"},
                                      now=NOW)
    town.refresh_from_db()
    assert town.geometry["coordinates"][0][0] == [122.1, 37.1]


def test_unit_update_refuses_moving_a_unit(town):
    with pytest.raises(ValidationFailed):
        services.unit_update(actor=None, unit=town, now=NOW, code="379901999")


def test_a_non_admin_is_refused_every_write(county, make_user, department):
    clerk = make_user("clerk")
    services.membership_grant(actor=None, user=clerk, role=Role.RESPONDER,
                              department=department, now=NOW)
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=clerk, parent=county, level=Level.TOWN, name="镇", now=NOW)
    with pytest.raises(PermissionDenied):
        services.user_create(actor=clerk, username="x", full_name="x", now=NOW)
    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=clerk, user=clerk, role=Role.ADMIN, unit=county,
                                  now=NOW)
    assert OrgUnit.objects.count() == 1
    assert not Membership.objects.filter(role=Role.ADMIN).exists()


def test_an_admin_member_and_a_superuser_may_write(county, admin_user, make_user):
    assert admin_user.is_staff
    town = services.unit_create(actor=admin_user, parent=county, level=Level.TOWN, name="镇",
                                now=NOW)
    root = make_user("root")
    root.is_superuser = True
    root.save()
    services.unit_update(actor=root, unit=town, name="新镇", now=NOW)
    town.refresh_from_db()
    assert town.name == "新镇"


def test_revoking_the_admin_role_removes_staff_access(admin_user):
    membership = Membership.objects.get(user=admin_user, role=Role.ADMIN)
    services.membership_revoke(actor=None, membership=membership, now=NOW)
    admin_user.refresh_from_db()
    assert not admin_user.is_staff
    assert not services.is_admin(admin_user)


@pytest.mark.parametrize(("role", "place", "ok"), [
    (Role.GRID_WORKER, "grid", True),
    (Role.GRID_WORKER, "town", False),
    (Role.GRID_WORKER, "department", False),
    (Role.INITIATOR, "town", True),
    (Role.INITIATOR, "community", True),
    (Role.INITIATOR, "grid", False),
    (Role.TOWN_REVIEWER, "town", True),
    (Role.TOWN_REVIEWER, "department", False),
    (Role.RESPONDER, "department", True),
    (Role.RESPONDER, "town", False),
    (Role.DEPT_HEAD, "department", True),
    (Role.DEPT_DEPUTY, "county", False),
    (Role.SUPERVISOR, "centre", True),
    (Role.SUPERVISOR, "county", True),
    (Role.SUPERVISOR, "department", False),
    (Role.SUPERVISOR, "town", False),
    (Role.LEADER, "county", True),
    (Role.LEADER, "town", False),
    (Role.ADMIN, "grid", True),
    (Role.ADMIN, "department", True),
    (Role.VOLUNTEER, "community", True),
])
def test_membership_role_must_fit_its_place(request, make_user, grid, department, centre,
                                            role, place, ok):
    target = {"grid": grid, "department": department, "centre": centre,
              "town": grid.parent.parent, "community": grid.parent,
              "county": grid.parent.parent.parent}[place]
    kwargs = ({"department": target} if place in ("department", "centre")
              else {"unit": target})
    user = make_user()
    if ok:
        membership = services.membership_grant(actor=None, user=user, role=role, now=NOW,
                                               **kwargs)
        assert membership.active
    else:
        with pytest.raises(ValidationFailed):
            services.membership_grant(actor=None, user=user, role=role, now=NOW, **kwargs)
        assert not Membership.objects.filter(user=user).exists()


def test_granting_twice_keeps_one_membership_and_reactivates(make_user, town):
    user = make_user()
    first = services.membership_grant(actor=None, user=user, role=Role.INITIATOR, unit=town,
                                      now=NOW)
    services.membership_revoke(actor=None, membership=first, now=NOW)
    again = services.membership_grant(actor=None, user=user, role=Role.INITIATOR, unit=town,
                                      now=NOW)
    assert again.pk == first.pk and again.active
    assert Membership.objects.filter(user=user).count() == 1


def test_a_membership_needs_exactly_one_place(make_user, town, department):
    user = make_user()
    with pytest.raises(ValidationFailed):
        services.membership_grant(actor=None, user=user, role=Role.ADMIN, now=NOW)
    with pytest.raises(ValidationFailed):
        services.membership_grant(actor=None, user=user, role=Role.ADMIN, unit=town,
                                  department=department, now=NOW)


def test_user_create_checks_username_and_personal_data(make_user):
    user = make_user("li", phone="13812345678", id_number="37100219800101123x",
                     password="secret-pass")
    assert user.check_password("secret-pass")
    assert user.id_number.endswith("X")
    with pytest.raises(ValidationFailed):
        make_user("li")
    with pytest.raises(ValidationFailed):
        make_user("wang", phone="call me")
    with pytest.raises(ValidationFailed):
        make_user("zhao", id_number="12345")
    assert not make_user("qian").has_usable_password()


def test_grid_staffing_holds_each_fixed_position_once(grid, make_user, department):
    worker, other = make_user(), make_user()
    services.grid_staffing_assign(actor=None, grid=grid, position=StaffingPosition.FULL_TIME,
                                  user=worker, now=NOW)
    services.grid_staffing_assign(actor=None, grid=grid, position=StaffingPosition.FULL_TIME,
                                  user=other, now=NOW)
    rows = GridStaffing.objects.filter(grid=grid, position=StaffingPosition.FULL_TIME)
    assert [r.user for r in rows] == [other]
    assert Membership.objects.filter(user=other, role=Role.GRID_WORKER, unit=grid).exists()
    for position in (StaffingPosition.GRID_LEADER, StaffingPosition.INSTRUCTOR,
                     StaffingPosition.CONTACT_LEADER):
        services.grid_staffing_assign(actor=None, grid=grid, position=position,
                                      user=make_user(), now=NOW)
    assert services.grid_staffing_missing(grid) == [StaffingPosition.CONTACT_DEPARTMENT]
    services.grid_staffing_assign(actor=None, grid=grid,
                                  position=StaffingPosition.CONTACT_DEPARTMENT,
                                  department=department, now=NOW)
    assert services.grid_staffing_missing(grid) == []
    for _ in range(3):
        services.grid_staffing_assign(actor=None, grid=grid,
                                      position=StaffingPosition.PART_TIMER,
                                      user=make_user(), now=NOW)
    assert GridStaffing.objects.filter(grid=grid).count() == 8


def test_grid_staffing_refuses_wrong_holders_and_non_grids(grid, town, make_user, department):
    with pytest.raises(ValidationFailed):
        services.grid_staffing_assign(actor=None, grid=town,
                                      position=StaffingPosition.FULL_TIME, user=make_user(),
                                      now=NOW)
    with pytest.raises(ValidationFailed):
        services.grid_staffing_assign(actor=None, grid=grid,
                                      position=StaffingPosition.CONTACT_DEPARTMENT,
                                      user=make_user(), now=NOW)
    with pytest.raises(ValidationFailed):
        services.grid_staffing_assign(actor=None, grid=grid,
                                      position=StaffingPosition.GRID_LEADER,
                                      department=department, now=NOW)
    assert not GridStaffing.objects.exists()


def test_grid_staffing_remove_revokes_the_grid_role(grid, make_user):
    worker = make_user()
    staffing = services.grid_staffing_assign(actor=None, grid=grid,
                                             position=StaffingPosition.FULL_TIME, user=worker,
                                             now=NOW)
    services.grid_staffing_remove(actor=None, staffing=staffing, now=NOW)
    assert not Membership.objects.filter(user=worker, active=True).exists()


def test_volunteer_teams_and_joining(community, make_user, admin_user):
    leader, volunteer, stranger = make_user(), make_user(), make_user()
    team = services.volunteer_team_create(actor=admin_user, name="听涛志愿服务队",
                                          unit=community, leader=leader, speciality="助老",
                                          now=NOW)
    assert list(team.members.values_list("user", flat=True)) == [leader.pk]
    services.volunteer_join(actor=volunteer, team=team, user=volunteer, now=NOW)
    with pytest.raises(PermissionDenied):
        services.volunteer_join(actor=volunteer, team=team, user=stranger, now=NOW)
    with pytest.raises(ValidationFailed):
        services.volunteer_team_create(actor=None, name="听涛志愿服务队", unit=community,
                                       now=NOW)
    assert team.members.count() == 2


def test_department_create_and_leader_in_charge(county, town, make_user):
    from huying.org.models import DepartmentKind

    leader = make_user("leader")
    with pytest.raises(ValidationFailed):
        services.department_create(actor=None, code="D01", name="局", kind="ministry",
                                   unit=county, now=NOW)
    dept = services.department_create(actor=None, code="D01", name="市综合行政执法局",
                                       kind=DepartmentKind.GOVERNMENT, unit=county, now=NOW)
    with pytest.raises(ValidationFailed):
        services.department_set_leader(actor=None, department=dept, leader=leader, now=NOW)
    services.membership_grant(actor=None, user=leader, role=Role.LEADER, unit=county, now=NOW)
    services.department_set_leader(actor=None, department=dept, leader=leader, now=NOW)
    assert dept.leader_in_charge == leader
    centre = services.department_create(actor=None, code="TC379901001", name="海滨街道指挥中心",
                                         kind=DepartmentKind.CENTRE, unit=town, now=NOW)
    assert centre.unit == town
    with pytest.raises(ValidationFailed):
        services.department_create(actor=None, code="D01", name="重复", unit=county,
                                   kind=DepartmentKind.GOVERNMENT, now=NOW)
    grid_parent = services.unit_create(actor=None, parent=town, level=Level.COMMUNITY,
                                       name="社区", geometry=square(122, 37, 0.01), now=NOW)
    with pytest.raises(ValidationFailed):
        services.department_create(actor=None, code="D02", name="局", unit=grid_parent,
                                   kind=DepartmentKind.GOVERNMENT, now=NOW)
