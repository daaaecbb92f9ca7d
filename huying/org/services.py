"""Every write of the organisation model: territorial units, departments, users, memberships,
5+X grid staffing and volunteer teams.

Only administrators (a superuser or a user with an active `admin` membership) may call these;
`actor=None` is the system itself (CLI, demo generator, migrations of data).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from huying.common import memo
from huying.common.errors import PermissionDenied, ValidationFailed
from huying.org import codes, tree
from huying.org.geometry import geometry_validate
from huying.org.models import (
    DEPARTMENT_ROLES,
    GRID_ROLES,
    LEVEL_ORDER,
    Department,
    DepartmentKind,
    GridStaffing,
    Level,
    Membership,
    OrgUnit,
    Role,
    StaffingPosition,
    User,
    VolunteerMember,
    VolunteerTeam,
)
from huying.org.selectors import UNITS, is_admin

GRID_LEVELS = frozenset({Level.GRID, Level.UNIT, Level.CELL})
FIXED_POSITIONS = (StaffingPosition.FULL_TIME, StaffingPosition.GRID_LEADER,
                   StaffingPosition.INSTRUCTOR, StaffingPosition.CONTACT_LEADER,
                   StaffingPosition.CONTACT_DEPARTMENT)
# Staffing a grid also gives the person the grid role the cases app scopes by.
POSITION_ROLE = {StaffingPosition.FULL_TIME: Role.GRID_WORKER,
                 StaffingPosition.PART_TIMER: Role.GRID_ASSISTANT}

PHONE_RE = re.compile(r"^\+?[0-9][0-9-]{4,19}$")
ID_NUMBER_RE = re.compile(r"^(\d{17}[\dXx]|\d{15})$")


# --- permission ------------------------------------------------------------------------------

def ensure_admin(actor: User | None) -> None:
    """Refuse unless the actor is the system (None) or an administrator."""
    if actor is None:
        return
    if not is_admin(actor):
        raise PermissionDenied(_("Only administrators may change the organisation."))


# --- territorial units ------------------------------------------------------------------------

def _next_sequence(parent: OrgUnit, level: str) -> int:
    width = codes.segment_width(level)
    used = [c[len(parent.code):] for c in
            OrgUnit.objects.filter(parent=parent).values_list("code", flat=True)]
    numbers = [int(s) for s in used if len(s) == width and s.isdigit()]
    return max(numbers, default=0) + 1


def unit_validate_new(*, parent: OrgUnit | None, level: str, code: str | None,
                      is_street: bool = False) -> str:
    """Check where a new unit goes and return its code (generated when `code` is empty).

    Used by `unit_create` and by the admin form, so both refuse the same things.
    """
    if level not in LEVEL_ORDER:
        raise ValidationFailed(_("Unknown level %(level)s.") % {"level": level})
    if level == Level.COUNTY:
        if parent is not None:
            raise ValidationFailed(_("A county has no parent unit."))
        if not code or not code.isdigit() or len(code) != codes.segment_width(Level.COUNTY):
            raise ValidationFailed(_("A county code has exactly six digits."))
    else:
        if parent is None:
            raise ValidationFailed(_("A %(level)s must have a parent unit.")
                                   % {"level": Level(level).label})
        expected = LEVEL_ORDER[LEVEL_ORDER.index(parent.level) + 1] \
            if parent.level != LEVEL_ORDER[-1] else None
        if expected != level:
            raise ValidationFailed(
                _("A %(level)s cannot be placed under a %(parent)s.")
                % {"level": Level(level).label, "parent": Level(parent.level).label})
        width = codes.segment_width(level)
        if not code:
            try:
                code = codes.child_code(parent.code, level, _next_sequence(parent, level))
            except ValueError:
                raise ValidationFailed(
                    _("%(parent)s has no free codes left at this level.")
                    % {"parent": parent.name}) from None
        elif (not code.startswith(parent.code) or len(code) != len(parent.code) + width
              or not code.isdigit()):
            raise ValidationFailed(
                _("Code %(code)s must be %(parent)s followed by %(width)d digits.")
                % {"code": code, "parent": parent.code, "width": width})
    if is_street and level != Level.TOWN:
        raise ValidationFailed(_("Only a town-level unit can be a street."))
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationFailed(_("Code %(code)s is already used.") % {"code": code})
    return code


@transaction.atomic
def unit_create(*, actor: User | None, parent: OrgUnit | None, level: str, name: str,
                code: str | None = None, geometry: Any = None, is_street: bool = False,
                is_sea: bool = False, now: datetime) -> OrgUnit:
    """Add a territorial unit one level below `parent` (a county has no parent)."""
    ensure_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("The unit needs a name."))
    code = unit_validate_new(parent=parent, level=level, code=code, is_street=is_street)
    if geometry is not None:
        geometry = geometry_validate(geometry)
    unit = OrgUnit.objects.create(parent=parent, level=level, code=code, name=name,
                                  geometry=geometry, is_street=is_street, is_sea=is_sea)
    # The path holds the unit's own id, known only after the insert.
    unit.path = tree.path_for(unit)
    unit.save(update_fields=["path"])
    return unit


@dataclass(frozen=True)
class UnitRow:
    """One unit of a bulk import; `parent` is saved already (or an earlier batch's unit)."""

    parent: OrgUnit
    level: str
    name: str
    code: str
    geometry: Any = None
    is_street: bool = False
    is_sea: bool = False


@transaction.atomic
def unit_bulk_create(*, actor: User | None, rows: Sequence[UnitRow],
                     now: datetime) -> list[OrgUnit]:
    """Create many units of one tree level in a few queries (imports, the demo county).

    The same rules as `unit_create` — level under level, code under code, valid boundary —
    checked in memory; codes must be given.
    """
    ensure_admin(actor)
    seen: set[str] = set()
    units = []
    for row in rows:
        if row.parent.pk is None or not row.parent.path:
            raise ValidationFailed(_("The parent unit %(name)s is not saved yet.")
                                   % {"name": row.parent.name})
        expected = LEVEL_ORDER[LEVEL_ORDER.index(row.parent.level) + 1] \
            if row.parent.level != LEVEL_ORDER[-1] else None
        width = codes.segment_width(row.level)
        if expected != row.level or row.level == Level.COUNTY:
            raise ValidationFailed(
                _("A %(level)s cannot be placed under a %(parent)s.")
                % {"level": Level(row.level).label, "parent": Level(row.parent.level).label})
        if (not row.code.startswith(row.parent.code) or not row.code.isdigit()
                or len(row.code) != len(row.parent.code) + width):
            raise ValidationFailed(
                _("Code %(code)s must be %(parent)s followed by %(width)d digits.")
                % {"code": row.code, "parent": row.parent.code, "width": width})
        if row.code in seen:
            raise ValidationFailed(_("Code %(code)s is already used.") % {"code": row.code})
        if row.is_street and row.level != Level.TOWN:
            raise ValidationFailed(_("Only a town-level unit can be a street."))
        if not row.name.strip():
            raise ValidationFailed(_("The unit needs a name."))
        seen.add(row.code)
        geometry = geometry_validate(row.geometry) if row.geometry is not None else None
        units.append(OrgUnit(parent=row.parent, level=row.level, code=row.code,
                             name=row.name.strip(), geometry=geometry,
                             is_street=row.is_street, is_sea=row.is_sea))
    taken = list(OrgUnit.objects.filter(code__in=seen).values_list("code", flat=True)[:1])
    if taken:
        raise ValidationFailed(_("Code %(code)s is already used.") % {"code": taken[0]})
    OrgUnit.objects.bulk_create(units, batch_size=500)
    for unit in units:
        unit.path = tree.path_for(unit)
    OrgUnit.objects.bulk_update(units, ["path"], batch_size=500)
    memo.forget(UNITS)  # bulk writes send no signals
    return units


UNIT_EDITABLE = frozenset({"name", "is_street", "is_sea", "active", "geometry"})


@transaction.atomic
def unit_update(*, actor: User | None, unit: OrgUnit, now: datetime, **changes: Any) -> OrgUnit:
    """Change a unit's name, flags or boundary. Its place in the tree and code never change."""
    ensure_admin(actor)
    unknown = set(changes) - UNIT_EDITABLE
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed: %(fields)s")
                               % {"fields": ", ".join(sorted(unknown))})
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise ValidationFailed(_("The unit needs a name."))
    if changes.get("is_street") and unit.level != Level.TOWN:
        raise ValidationFailed(_("Only a town-level unit can be a street."))
    if changes.get("geometry") is not None:
        changes["geometry"] = geometry_validate(changes["geometry"])
    for field, value in changes.items():
        setattr(unit, field, value)
    if changes:
        unit.save(update_fields=list(changes))
    return unit


def unit_update_geometry(*, actor: User | None, unit: OrgUnit, geometry: Any,
                         now: datetime) -> OrgUnit:
    """Replace (or, with None, clear) a unit's boundary after validating it."""
    return unit_update(actor=actor, unit=unit, geometry=geometry, now=now)


# --- departments ------------------------------------------------------------------------------

@transaction.atomic
def department_create(*, actor: User | None, code: str, name: str, kind: str, unit: OrgUnit,
                      short_name: str = "", leader_in_charge: User | None = None,
                      now: datetime) -> Department:
    """Add a department, stationed agency, public utility or command centre serving `unit`
    (the county; a town for a town's own centre or a town-managed agency)."""
    ensure_admin(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise ValidationFailed(_("A department needs a code and a name."))
    if kind not in DepartmentKind.values:
        raise ValidationFailed(_("Unknown department kind %(kind)s.") % {"kind": kind})
    if unit.level not in (Level.COUNTY, Level.TOWN):
        raise ValidationFailed(_("A department serves a county or a town."))
    if Department.objects.filter(code=code).exists():
        raise ValidationFailed(_("Department code %(code)s is already used.") % {"code": code})
    if leader_in_charge is not None:
        _ensure_leader(leader_in_charge)
    return Department.objects.create(code=code, name=name, short_name=short_name, kind=kind,
                                     unit=unit, leader_in_charge=leader_in_charge)


def _ensure_leader(user: User) -> None:
    if not Membership.objects.filter(user=user, role=Role.LEADER, active=True).exists():
        raise ValidationFailed(_("%(user)s is not a county leader.") % {"user": user})


@transaction.atomic
def department_set_leader(*, actor: User | None, department: Department,
                          leader: User | None, now: datetime) -> Department:
    """Name the county leader in charge (分管领导) of a department — "谁分管、谁负责"."""
    ensure_admin(actor)
    if leader is not None:
        _ensure_leader(leader)
    department.leader_in_charge = leader
    department.save(update_fields=["leader_in_charge"])
    return department


# --- users and memberships --------------------------------------------------------------------

def _check_personal_data(phone: str, id_number: str) -> None:
    if phone and not PHONE_RE.match(phone):
        raise ValidationFailed(_("%(phone)s is not a phone number.") % {"phone": phone})
    if id_number and not ID_NUMBER_RE.match(id_number):
        raise ValidationFailed(_("The ID number must have 18 characters (or 15 digits)."))


@transaction.atomic
def user_create(*, actor: User | None, username: str, full_name: str, phone: str = "",
                id_number: str = "", password: str | None = None, now: datetime) -> User:
    """Add a person who may sign in (without a password they cannot, until one is set)."""
    ensure_admin(actor)
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("The user needs a username."))
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("Username %(username)s is already taken.")
                               % {"username": username})
    phone, id_number = phone.strip(), id_number.strip().upper()
    _check_personal_data(phone, id_number)
    user = User(username=username, full_name=full_name.strip(), phone=phone,
                id_number=id_number, date_joined=now)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def membership_validate_place(*, role: str, unit: OrgUnit | None,
                              department: Department | None) -> None:
    """Refuse a role held in the wrong kind of place (e.g. a responder on a grid)."""
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role %(role)s.") % {"role": role})
    if (unit is None) == (department is None):
        raise ValidationFailed(_("A membership is held in either a unit or a department."))
    label = Role(role).label
    ok: bool
    if role == Role.ADMIN:
        ok = True
    elif role in GRID_ROLES:
        ok = unit is not None and unit.level in GRID_LEVELS
    elif role in (Role.INITIATOR, Role.TOWN_REVIEWER):
        ok = unit is not None and unit.level in (Level.TOWN, Level.COMMUNITY)
    elif role in DEPARTMENT_ROLES:
        ok = department is not None
    elif role == Role.SUPERVISOR:
        ok = (department is not None and department.kind == DepartmentKind.CENTRE) or (
            unit is not None and unit.level == Level.COUNTY)
    elif role == Role.LEADER:
        ok = unit is not None and unit.level == Level.COUNTY
    else:  # volunteer: any territorial unit
        ok = unit is not None
    if not ok:
        place = unit or department
        raise ValidationFailed(_("The role %(role)s cannot be held in %(place)s.")
                               % {"role": label, "place": place})


@transaction.atomic
def membership_grant(*, actor: User | None, user: User, role: str, unit: OrgUnit | None = None,
                     department: Department | None = None, now: datetime) -> Membership:
    """Give `user` a role in a unit or department; granting it again re-activates it."""
    ensure_admin(actor)
    membership_validate_place(role=role, unit=unit, department=department)
    membership, _created = Membership.objects.get_or_create(
        user=user, role=role, unit=unit, department=department, defaults={"active": True})
    if not membership.active:
        membership.active = True
        membership.save(update_fields=["active"])
    _sync_staff_flag(user)
    return membership


@transaction.atomic
def membership_update(*, actor: User | None, membership: Membership, role: str,
                      unit: OrgUnit | None, department: Department | None, active: bool,
                      now: datetime) -> Membership:
    """Edit a membership in place (the admin's inline rows)."""
    ensure_admin(actor)
    membership_validate_place(role=role, unit=unit, department=department)
    clash = Membership.objects.filter(user=membership.user, role=role, unit=unit,
                                      department=department).exclude(pk=membership.pk)
    if clash.exists():
        raise ValidationFailed(_("%(user)s already holds this role there.")
                               % {"user": membership.user})
    membership.role, membership.unit, membership.department = role, unit, department
    membership.active = active
    membership.save(update_fields=["role", "unit", "department", "active"])
    _sync_staff_flag(membership.user)
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership,
                      now: datetime) -> Membership:
    """End a membership; the row stays (inactive) for the record."""
    ensure_admin(actor)
    membership.active = False
    membership.save(update_fields=["active"])
    _sync_staff_flag(membership.user)
    return membership


def _sync_staff_flag(user: User) -> None:
    """Administrators reach the admin site (is_staff); superusers keep it regardless."""
    staff = user.is_superuser or Membership.objects.filter(
        user=user, role=Role.ADMIN, active=True).exists()
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


# --- 5+X grid staffing ------------------------------------------------------------------------

@transaction.atomic
def grid_staffing_assign(*, actor: User | None, grid: OrgUnit, position: str,
                         user: User | None = None, department: Department | None = None,
                         now: datetime) -> GridStaffing:
    """Fill one "5+X" position of a grid (Longwan): each of the five fixed positions is held
    once (assigning again replaces the holder); part-timers (X) are added one by one.

    The contact department position names a department; every other position a person.
    """
    ensure_admin(actor)
    if grid.level not in GRID_LEVELS:
        raise ValidationFailed(_("Staffing is assigned to grids only."))
    if position not in StaffingPosition.values:
        raise ValidationFailed(_("Unknown position %(position)s.") % {"position": position})
    if position == StaffingPosition.CONTACT_DEPARTMENT:
        if department is None or user is not None:
            raise ValidationFailed(_("The contact department position names a department."))
    elif user is None or department is not None:
        raise ValidationFailed(_("This position is held by a person."))
    if position == StaffingPosition.PART_TIMER:
        staffing, _created = GridStaffing.objects.get_or_create(grid=grid, position=position,
                                                                user=user)
    else:
        staffing = GridStaffing.objects.select_for_update().filter(
            grid=grid, position=position).first()
        if staffing is None:
            staffing = GridStaffing(grid=grid, position=position)
        staffing.user, staffing.department = user, department
        staffing.save()
    role = POSITION_ROLE.get(position)
    if role and user is not None:
        membership_grant(actor=actor, user=user, role=role, unit=grid, now=now)
    return staffing


@transaction.atomic
def grid_staffing_remove(*, actor: User | None, staffing: GridStaffing, now: datetime) -> None:
    """Vacate a position (the grid role given with it is revoked too)."""
    ensure_admin(actor)
    role = POSITION_ROLE.get(staffing.position)
    if role and staffing.user_id:
        others = GridStaffing.objects.filter(grid=staffing.grid, user=staffing.user_id).exclude(
            pk=staffing.pk).filter(position=staffing.position)
        if not others.exists():
            for membership in Membership.objects.filter(
                    user=staffing.user_id, role=role, unit=staffing.grid, active=True):
                membership_revoke(actor=actor, membership=membership, now=now)
    staffing.delete()


def grid_staffing_missing(grid: OrgUnit) -> list[str]:
    """The fixed positions of a grid still vacant."""
    held = set(GridStaffing.objects.filter(grid=grid).filter(
        Q(user__isnull=False) | Q(department__isnull=False)).values_list("position", flat=True))
    return [p for p in FIXED_POSITIONS if p not in held]


# --- volunteer teams --------------------------------------------------------------------------

@transaction.atomic
def volunteer_team_create(*, actor: User | None, name: str, unit: OrgUnit,
                          leader: User | None = None, speciality: str = "",
                          now: datetime) -> VolunteerTeam:
    """Register a volunteer service team (志愿服务队) in a unit; its leader joins it."""
    ensure_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("The team needs a name."))
    if VolunteerTeam.objects.filter(unit=unit, name=name).exists():
        raise ValidationFailed(_("%(unit)s already has a team called %(name)s.")
                               % {"unit": unit.name, "name": name})
    team = VolunteerTeam.objects.create(name=name, unit=unit, leader=leader,
                                        speciality=speciality.strip())
    if leader is not None:
        VolunteerMember.objects.get_or_create(team=team, user=leader)
    return team


@transaction.atomic
def volunteer_join(*, actor: User | None, team: VolunteerTeam, user: User,
                   now: datetime) -> VolunteerMember:
    """Add a volunteer to a team: an administrator enrols them, or they join themselves."""
    if actor is None or actor.pk != user.pk:
        ensure_admin(actor)
    if not team.active:
        raise ValidationFailed(_("The team %(name)s is no longer active.") % {"name": team.name})
    member, _created = VolunteerMember.objects.get_or_create(team=team, user=user)
    return member
