from __future__ import annotations

from huying.org import selectors, services
from huying.org.models import Role
from huying.org.tests.conftest import NOW


def test_units_under_follows_the_path(county, town, community, grid):
    assert set(selectors.units_under(town)) == {town, community, grid}
    assert set(selectors.units_under(town, include_self=False)) == {community, grid}
    assert selectors.units_under(county).count() == 4


def test_county_of_any_unit(county, grid):
    assert selectors.county_of(grid) == county
    assert selectors.county_of(county) == county


def test_roles_units_and_departments_of_a_user(make_user, town, community, grid, department):
    user = make_user()
    services.membership_grant(actor=None, user=user, role=Role.INITIATOR, unit=town, now=NOW)
    services.membership_grant(actor=None, user=user, role=Role.RESPONDER,
                              department=department, now=NOW)
    revoked = services.membership_grant(actor=None, user=user, role=Role.GRID_WORKER,
                                        unit=grid, now=NOW)
    services.membership_revoke(actor=None, membership=revoked, now=NOW)
    assert selectors.memberships_of(user).count() == 2
    assert list(selectors.user_units(user)) == [town]
    assert list(selectors.user_units(user, roles=[Role.GRID_WORKER])) == []
    assert list(selectors.user_departments(user, roles=[Role.RESPONDER])) == [department]
    assert selectors.user_has_role(user, Role.INITIATOR)
    assert selectors.user_has_role(user, Role.INITIATOR, unit=community)  # below the town
    assert not selectors.user_has_role(user, Role.INITIATOR, unit=town.parent)
    assert selectors.user_has_role(user, Role.RESPONDER, department=department)
    assert not selectors.user_has_role(user, Role.GRID_WORKER, unit=grid)
