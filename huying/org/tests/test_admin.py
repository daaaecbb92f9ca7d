from __future__ import annotations

import json

import pytest

from huying.org.models import Membership, OrgUnit, Role
from huying.org.tests.conftest import square


@pytest.fixture
def admin_client(client, make_user):
    root = make_user("root", password="pw-123456")
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)
    return client


def add_unit(client, county, geometry):
    return client.post("/admin/org/orgunit/add/", {
        "parent": county.pk, "level": "town", "code": "", "name": "青石镇",
        "geometry": geometry, "active": "on"})


def test_the_admin_adds_a_unit_through_the_service(admin_client, county):
    response = add_unit(admin_client, county, json.dumps(square(122.1, 37.1, 0.1)))
    assert response.status_code == 302, response.content.decode()[:2000]
    town = OrgUnit.objects.get(name="青石镇")
    assert town.code == "379901001"
    assert town.path == f"/{county.pk}/{town.pk}/"


def test_the_admin_refuses_an_invalid_boundary_and_saves_nothing(admin_client, county):
    bow_tie = json.dumps({"type": "Polygon",
                          "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]})
    response = add_unit(admin_client, county, bow_tie)
    assert response.status_code == 200
    assert "边界不是有效的 GeoJSON 多边形" in response.content.decode()
    assert OrgUnit.objects.count() == 1


def test_the_admin_changelists_render(admin_client, county, grid, department):
    for url in ["/admin/org/orgunit/", "/admin/org/department/", "/admin/org/user/",
                "/admin/org/gridstaffing/", "/admin/org/volunteerteam/",
                f"/admin/org/orgunit/{grid.pk}/change/", "/admin/org/user/add/"]:
        assert admin_client.get(url).status_code == 200, url


def test_the_admin_refuses_a_membership_in_the_wrong_place(admin_client, make_user, grid):
    user = make_user("wang")
    url = f"/admin/org/user/{user.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {
        "username": "wang", "full_name": "王五", "phone": "", "id_number": "",
        "is_active": "on", "date_joined_0": "2026-03-02", "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-role": Role.RESPONDER, "memberships-0-unit": grid.pk,
        "memberships-0-active": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not Membership.objects.filter(user=user).exists()
    data["memberships-0-role"] = Role.GRID_WORKER
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.objects.filter(user=user, role=Role.GRID_WORKER, unit=grid).exists()


def test_staff_who_are_not_administrators_see_memberships_read_only(db, rf):
    from django.contrib import admin

    from huying.org.admin import MembershipInline
    from huying.org.models import User

    staff = User.objects.create_user("clerk", password="x", is_staff=True)
    root = User.objects.create_superuser("root2", password="x")
    inline = MembershipInline(Membership, admin.site)
    request = rf.get("/")
    request.user = staff
    assert not inline.has_add_permission(request) and not inline.has_change_permission(request)
    request.user = root
    assert inline.has_add_permission(request) and inline.has_change_permission(request)
