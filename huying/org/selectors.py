"""Reads of the organisation model that other apps reuse (scoping by unit and role)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from huying.common import memo
from huying.org.models import Department, Level, Membership, OrgUnit, Role, User


@dataclass(frozen=True)
class Place:
    """One active membership as the permission checks need it: the role, its unit (a
    department membership takes the unit its department serves) and the department."""

    role: str
    unit: OrgUnit | None
    department_id: int | None
    department_kind: str | None


def places_of(user: User) -> list[Place]:
    """The user's active places, read once per user object and kept on it, so a request asks
    the database once however many checks it makes."""
    cached = getattr(user, "_huying_places", None)
    if cached is None:
        rows = (Membership.objects.filter(user=user, active=True)
                .select_related("unit", "department__unit")
                # every request reads its user's places: not the units' outlines
                .defer("unit__geometry", "department__unit__geometry"))
        cached = [Place(m.role, m.unit or (m.department.unit if m.department else None),
                        m.department_id, m.department.kind if m.department else None)
                  for m in rows]
        user._huying_places = cached  # type: ignore[attr-defined]
    return cached


def is_admin(user: User | None) -> bool:
    """A platform administrator: an active superuser, or an active user holding an active
    `admin` membership. The one answer to "is admin" (the access module re-exports it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(p.role == Role.ADMIN for p in places_of(user))


def memberships_of(user: User) -> QuerySet[Membership]:
    """A user's active memberships with their place loaded."""
    return (Membership.objects.filter(user=user, active=True)
            .select_related("unit", "department", "department__unit")
            .order_by("role", "unit__code", "department__code"))


def units_under(unit: OrgUnit, *, include_self: bool = True) -> QuerySet[OrgUnit]:
    """The unit and everything beneath it, whatever the depth (one prefix match on `path`)."""
    units = OrgUnit.objects.filter(path__startswith=unit.path)
    return units if include_self else units.exclude(pk=unit.pk)


def _role_filter(roles: Iterable[str] | None) -> Q:
    return Q() if roles is None else Q(role__in=list(roles))


def user_units(user: User, roles: Iterable[str] | None = None) -> QuerySet[OrgUnit]:
    """The territorial units where the user holds one of `roles` (any role when None)."""
    ids = (Membership.objects.filter(_role_filter(roles), user=user, active=True,
                                     unit__isnull=False).values("unit_id"))
    return OrgUnit.objects.filter(pk__in=ids)


def user_departments(user: User, roles: Iterable[str] | None = None) -> QuerySet[Department]:
    """The departments where the user holds one of `roles` (any role when None)."""
    ids = (Membership.objects.filter(_role_filter(roles), user=user, active=True,
                                     department__isnull=False).values("department_id"))
    return Department.objects.filter(pk__in=ids)


def user_has_role(user: User, role: str, unit: OrgUnit | None = None,
                  department: Department | None = None) -> bool:
    """Whether the user holds `role` — anywhere, or at `unit` or any unit above it (a town's
    initiator acts for its communities), or in `department`."""
    if user is None or not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user=user, role=role, active=True)
    if unit is not None:
        memberships = memberships.filter(unit_id__in=unit.ancestor_ids() or [unit.pk])
    if department is not None:
        memberships = memberships.filter(department=department)
    return memberships.exists()


def county_of(unit: OrgUnit) -> OrgUnit:
    """The county a unit belongs to (the first id of its path)."""
    if unit.level == Level.COUNTY:
        return unit
    ids = unit.ancestor_ids()
    if ids:
        return OrgUnit.objects.get(pk=ids[0])
    while unit.parent_id:  # a unit saved without a path: walk up
        unit = unit.parent
    return unit


def counties() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(level=Level.COUNTY)


def with_units(rows: QuerySet, *paths: str) -> QuerySet:
    """`select_related(*paths)` where some paths end at an org unit: the units' names and
    codes come along, their outlines (GeoJSON, often kilobytes) do not. Lists use it."""
    unit_paths = [p for p in paths if _ends_at_unit(rows.model, p)]
    return rows.select_related(*paths).defer(*(f"{p}__geometry" for p in unit_paths))


def _ends_at_unit(model, path: str) -> bool:
    for name in path.split("__"):
        field = model._meta.get_field(name)
        model = field.related_model
    return model is OrgUnit


UNITS = "units"  # the memo group of the units' chains of ancestors
PEOPLE = "people"  # the memo group of who holds which role where


def unit_ancestors(unit: OrgUnit) -> dict[str, OrgUnit]:
    """The unit's ancestors (not the unit itself), keyed by level, without their outlines;
    remembered (`common/memo.py`), since every report and call asks. Shared: read only."""
    def load() -> dict[str, OrgUnit]:
        return {u.level: u for u in OrgUnit.objects.filter(pk__in=unit.ancestor_ids())
                .exclude(pk=unit.pk).defer("geometry")}

    return memo.remembered(UNITS, ("ancestors", unit.pk, unit.path), load)
