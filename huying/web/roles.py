"""Who the signed-in user is, as the pages need it: their roles and places (read from the
memberships cached on the user object). Their county, and everything about who may see
what, is `cases/access.py`'s answer."""

from __future__ import annotations

from huying.cases.scope import places_of
from huying.org.models import GRID_ROLES, Department, OrgUnit, Role, User
from huying.org.selectors import is_admin


def roles_of(user: User) -> set[str]:
    """The roles the user holds; an administrator (`org.selectors.is_admin`, the one answer)
    holds `admin` whether by membership or as a superuser."""
    roles = {p.role for p in places_of(user)}
    if is_admin(user):
        roles.add(Role.ADMIN)
    return roles


def is_grid_staff(user: User) -> bool:
    return bool(roles_of(user) & GRID_ROLES)


def role_labels(user: User) -> list[str]:
    """The user's roles in Chinese, each once, in the order of `Role`."""
    roles = roles_of(user)
    return [str(label) for value, label in Role.choices if value in roles]


def places_label(user: User) -> str:
    names = []
    for place in places_of(user):
        name = place.unit.name if place.unit is not None else ""
        if place.department_id is not None:
            department = Department.objects.filter(pk=place.department_id).first()
            name = str(department) if department else name
        if name and name not in names:
            names.append(name)
    return "、".join(names)


def grids_of(user: User) -> list[OrgUnit]:
    """The territorial units (with polygons) a grid worker or initiator reports in: their
    own units; the report map draws these."""
    units = [p.unit for p in places_of(user) if p.unit is not None and p.department_id is None
             and (p.role in GRID_ROLES or p.role == Role.INITIATOR)]
    return units
