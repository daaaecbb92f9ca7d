"""Who may see and do what — the one place that answers it, for the API and the pages alike.

- **Cases**: `cases_visible_to`, `case_get_visible` (a case the user may not see does not
  exist for them: 404, never 403).
- **Personal data** (the reporter's phone and ID number): `may_see_personal_data`,
  `reporter_for`; everyone else reads the masks of `org.privacy`.
- **Department records of supervision** (slips, interviews): `department_records_scope`,
  `may_see_department_record`. They live in the supervision app, above `cases`, so the
  answers are given over ids and organisational facts; `supervision/access.py` looks the
  records up and calls these.
- **Scores, rankings, indicators and reports**: `viewer_of` and the `ensure_may_see_*`
  checks.
- **Who the user is**: `is_platform_admin`, `user_department_ids`, `counties_of`,
  `county_of` (a user with no county gets `None`, never somebody else's county).

The rule for every request: an object the user may not see is a 404 (the same answer as an
object that does not exist); a visible object on which the action is not theirs is a 403.
Who may perform a case transition is in `states.py` (the tables) and `scope.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from huying.cases.models import Assignment, AssignmentRole, Case, RallyCall
from huying.cases.scope import CASE_UNIT_FIELD, actor_in_scope
from huying.common.errors import NotFound, PermissionDenied, ValidationFailed
from huying.org.models import (
    DEPARTMENT_ROLES,
    GRID_ROLES,
    Department,
    DepartmentKind,
    Level,
    OrgUnit,
    Role,
    User,
    VolunteerMember,
)
from huying.org.privacy import mask_id_number, mask_name, mask_phone
from huying.org.selectors import county_of as county_of_unit
from huying.org.selectors import is_admin, places_of

TERRITORIAL_ROLES = GRID_ROLES | {Role.INITIATOR, Role.TOWN_REVIEWER, Role.LEADER}


# ---------------------------------------------------------------------------------------
# who the user is


def is_platform_admin(user: User | None) -> bool:
    """An administrator of the platform (sees and may do everything)."""
    return is_admin(user)


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def user_department_ids(user: User) -> set[int]:
    """The departments the user works in (responder, head or deputy)."""
    return {p.department_id for p in places_of(user)
            if p.role in DEPARTMENT_ROLES and p.department_id}


def counties_of(user: User) -> list[OrgUnit]:
    """The counties the user has a place in (through a unit or a department), by code."""
    if not _active(user):
        return []
    counties: dict[int, OrgUnit] = {}
    for place in places_of(user):
        if place.unit is not None:
            county = county_of_unit(place.unit)
            counties.setdefault(county.pk, county)
    return sorted(counties.values(), key=lambda c: c.code)


def county_of(user: User) -> OrgUnit | None:
    """The county the user works for: the first of their counties. A user without a place
    has none (`None`), except an administrator on a platform holding exactly one county."""
    counties = counties_of(user)
    if counties:
        return counties[0]
    if is_platform_admin(user):
        only = list(OrgUnit.objects.filter(level=Level.COUNTY)[:2])
        return only[0] if len(only) == 1 else None
    return None


# ---------------------------------------------------------------------------------------
# cases


# Cases of one's own (reports, rally calls) outside one's territory named by id, at most.
PERSONAL_OUTSIDE_MAX = 1000


def unit_q(unit: OrgUnit) -> Q:
    """The cases lying in `unit` (an indexed foreign key where the level has one)."""
    field_name = CASE_UNIT_FIELD.get(unit.level)
    if field_name is not None:
        return Q(**{field_name: unit.pk})
    return Q(unit__path__startswith=unit.path)


def cases_visible_to(user: User) -> QuerySet[Case]:
    """The cases a user may see: their grid, community or town; their department's
    assignments; the area of their command centre; the whole county for its leaders;
    the cases of rally calls their volunteer team took on. Admins see everything."""
    if not _active(user):
        return Case.objects.none()
    if is_platform_admin(user):
        return Case.objects.all()
    territory, scoped = Q(pk__in=[]), False
    department_ids: set[int] = set()
    for place in places_of(user):
        if place.role in DEPARTMENT_ROLES and place.department_id:
            department_ids.add(place.department_id)
        elif place.unit is not None and (place.role in TERRITORIAL_ROLES or (
                place.role == Role.SUPERVISOR and place.department_kind in (
                    None, DepartmentKind.CENTRE))):
            territory, scoped = territory | unit_q(place.unit), True
    if department_ids:
        scoped = True
        territory |= Q(Exists(Assignment.objects.filter(case=OuterRef("pk"),
                                                        department_id__in=department_ids)))
    teams = VolunteerMember.objects.filter(user=user).values("team_id")
    personal = Q(reported_by=user) | Q(Exists(RallyCall.objects.filter(case=OuterRef("pk"),
                                                                         team_id__in=teams)))
    if not scoped:
        return Case.objects.filter(personal)
    # The OR of the territory with one's own reports and rally calls would keep an index
    # from serving the territory (a county's list sorted by time walks (county, reported_at)):
    # the few personal cases outside the territory are named by id instead, read once.
    # Read once per user object (one request), like the user's places.
    outside = getattr(user, "_huying_personal_outside", None)
    if outside is None:
        outside = list(Case.objects.filter(personal).exclude(territory)
                       .values_list("pk", flat=True)[:PERSONAL_OUTSIDE_MAX])
        user._huying_personal_outside = outside  # type: ignore[attr-defined]
    return Case.objects.filter(territory | Q(pk__in=outside) if outside else territory)


def case_get_visible(user: User, number: str) -> Case:
    """The case numbered `number` if the user may see it; `NotFound` otherwise."""
    case = cases_visible_to(user).filter(number=number).select_related(
        "matter_type", "unit", "town", "community", "grid", "county").first()
    if case is None:
        # Same answer whether the case does not exist or is not the user's to see.
        raise NotFound(_("Case %(number)s was not found or is not yours to see.")
                       % {"number": number})
    return case


def case_in_county_visible(user: User, *, county: OrgUnit, number: str,
                           field: str | None = None) -> Case:
    """A case of `county` named on a form (a slip's cases, a listing) that the user may see.
    `field` names the form field when the number is an input (then the refusal is a 422
    on that field, as for any other bad value); otherwise it is a 404."""
    case = cases_visible_to(user).filter(county=county, number=number).select_related(
        "county").first()
    if case is None:
        message = _("Case %(number)s was not found.") % {"number": number}
        if field is not None:
            raise ValidationFailed(message, field=field)
        raise NotFound(message)
    return case


# ---------------------------------------------------------------------------------------
# personal data


def may_see_personal_data(user: User, case: Case) -> bool:
    """Full phone and ID numbers only for those who need to contact the reporter: the
    command centre covering the case, admins, the person who reported it, and the lead
    department of the current handling cycle. Everyone else — co-handlers, leaders,
    other supervisors, other towns — sees them masked."""
    if not _active(user):
        return False
    if is_platform_admin(user) or case.reported_by_id == user.pk:
        return True
    if actor_in_scope(user, {Role.SUPERVISOR}, "centre", case=case):
        return True
    departments = user_department_ids(user)
    return bool(departments) and case.assignments.filter(
        cycle=case.cycle, role=AssignmentRole.LEAD, department_id__in=departments).exists()


@dataclass(frozen=True)
class ReporterView:
    name: str
    phone: str
    id_number: str
    masked: bool


def reporter_for(user: User, case: Case) -> ReporterView:
    """The reporter as this user may read them: in full, or masked."""
    if may_see_personal_data(user, case):
        return ReporterView(case.reporter_name, case.reporter_phone, case.reporter_id_number,
                            False)
    return ReporterView(mask_name(case.reporter_name), mask_phone(case.reporter_phone),
                        mask_id_number(case.reporter_id_number), True)


# ---------------------------------------------------------------------------------------
# department records of supervision (slips, interviews)


def is_centre_supervisor_of(user: User | None, county: OrgUnit) -> bool:
    """A supervisor of the county's command centre (or one placed on the county itself)."""
    if not _active(user):
        return False
    return any(p.role == Role.SUPERVISOR and p.unit is not None and p.unit.pk == county.pk
               and p.department_kind in (None, DepartmentKind.CENTRE)
               for p in places_of(user))


def is_county_leader(user: User | None, county: OrgUnit, *,
                     holds_leader_post: bool = False) -> bool:
    """A leader of the county: a leader membership on it, or (told by the supervision app,
    which keeps them) a leader post."""
    if not _active(user):
        return False
    return holds_leader_post or any(
        p.role == Role.LEADER and p.unit is not None and p.unit.pk == county.pk
        for p in places_of(user))


def oversees_county(user: User | None, county: OrgUnit, *,
                    holds_leader_post: bool = False) -> bool:
    """Supervisors, leaders and administrators see the county's whole supervision."""
    return (is_platform_admin(user) or is_centre_supervisor_of(user, county)
            or is_county_leader(user, county, holds_leader_post=holds_leader_post))


def department_records_scope(user: User, county: OrgUnit, *,
                             holds_leader_post: bool = False) -> list[int] | None:
    """What of the county's department records (slips, interviews, clocks) the user sees:
    everything (None) for those who oversee the county; their own departments' part for
    department staff. `PermissionDenied` for anyone else: the board is not theirs."""
    if not _active(user):
        raise PermissionDenied(_("Please sign in first."))
    if oversees_county(user, county, holds_leader_post=holds_leader_post):
        return None
    departments = Department.objects.filter(pk__in=user_department_ids(user)).values_list(
        "pk", "unit__path")
    mine = sorted(pk for pk, path in departments if path.startswith(county.path))
    if not mine:
        raise PermissionDenied(_("You have no place in this county's supervision."))
    return mine


def may_see_department_record(user: User, *, county: OrgUnit, department_id: int | None,
                              holds_leader_post: bool = False,
                              party_ids: Iterable[int | None] = ()) -> bool:
    """A slip or interview of `department_id` in `county`: those who oversee the county,
    the department's own staff, and the record's parties (`party_ids`, e.g. the
    interviewer). Anyone else must not learn it exists (404)."""
    if not _active(user):
        return False
    if user.pk in set(party_ids):
        return True
    try:
        scope = department_records_scope(user, county, holds_leader_post=holds_leader_post)
    except PermissionDenied:
        return False
    return scope is None or department_id in scope


# ---------------------------------------------------------------------------------------
# scores, rankings and indicators


@dataclass
class Viewer:
    """What a user may see of the assessment in their county."""

    county: OrgUnit | None
    county_wide: bool = False
    department_ids: set[int] = field(default_factory=set)
    town_ids: set[int] = field(default_factory=set)

    @property
    def anything(self) -> bool:
        return self.county is not None and (
            self.county_wide or bool(self.department_ids) or bool(self.town_ids))

    def may_open_department(self, department_id: int) -> bool:
        return self.county_wide or department_id in self.department_ids


def _town_of(unit: OrgUnit) -> int | None:
    if unit.level == Level.TOWN:
        return unit.pk
    ids = unit.ancestor_ids()
    return ids[1] if len(ids) > 1 else None


def viewer_of(user: User, county_code: str | None = None) -> Viewer:
    """What `user` may see, in their county (an administrator may name the county).

    Leaders, the county command centre's supervisors and administrators see all of their
    county; a department sees its own score and deductions (and the rankings); towns and
    their grids see the rankings and their own town's indicators."""
    if not _active(user):
        raise PermissionDenied(_("Please sign in first."))
    if is_platform_admin(user):
        counties = OrgUnit.objects.filter(level=Level.COUNTY)
        county = (counties.filter(code=county_code).first() if county_code
                  else (counties.first() if counties.count() == 1 else None))
        if county is None:
            raise NotFound(_("Name the county (county=code)."))
        return Viewer(county=county, county_wide=True)
    viewer = Viewer(county=None)
    for place in places_of(user):
        if place.unit is None:
            continue
        county = county_of_unit(place.unit)
        if viewer.county is not None and county.pk != viewer.county.pk:
            continue  # a person working for two counties sees the first one
        if place.role in DEPARTMENT_ROLES and place.department_id:
            viewer.department_ids.add(place.department_id)
        elif place.role in (Role.LEADER, Role.SUPERVISOR) and place.unit.level == Level.COUNTY:
            viewer.county_wide = True
        elif place.role in TERRITORIAL_ROLES or place.role == Role.SUPERVISOR:
            town = _town_of(place.unit)
            if town is not None:
                viewer.town_ids.add(town)
        else:
            continue
        viewer.county = county
    return viewer


def ensure_may_see_rankings(viewer: Viewer) -> OrgUnit:
    if not viewer.anything:
        raise PermissionDenied(_("Rankings are for the county's leaders, departments and "
                                 "towns."))
    return viewer.county  # type: ignore[return-value]


def ensure_may_see_reports(viewer: Viewer) -> OrgUnit:
    """The county's regular reports (日碰头、周研判、月报告) carry every town's and every
    department's figures and the overdue list: its leaders, its command centre's
    supervisors and administrators only."""
    if viewer.county is None or not viewer.county_wide:
        raise PermissionDenied(_("Reports are for the county's leaders, command centre and "
                                 "administrators."))
    return viewer.county


def ensure_may_see_situation(viewer: Viewer) -> OrgUnit:
    """The big screen (大屏) and the leader's dashboard show every town's and department's
    figures, the overdue cases and the early warnings: the county's leaders, its command
    centre's supervisors and administrators only."""
    if viewer.county is None or not viewer.county_wide:
        raise PermissionDenied(_("The big screen and the dashboard are for the county's "
                                 "leaders, command centre and administrators."))
    return viewer.county


def ensure_may_see_department(viewer: Viewer, department: Department) -> None:
    """A department's score and deductions: its own staff, or the county-wide roles."""
    if viewer.county_wide and department.unit.path.startswith(viewer.county.path):
        return
    if department.pk in viewer.department_ids:
        return
    raise PermissionDenied(_("Only the department itself and the county's leaders and "
                             "supervisors may see its score and deductions."))


def ensure_may_see_scope(viewer: Viewer, *, town: OrgUnit | None,
                         department: Department | None) -> None:
    """Indicators: the county's for county-wide roles; a town's for that town; a department's
    for that department."""
    if viewer.county_wide:
        return
    if department is not None and town is None and department.pk in viewer.department_ids:
        return
    if town is not None and department is None and town.pk in viewer.town_ids:
        return
    raise PermissionDenied(_("These indicators are not yours to see."))


def may_decide_appeals(user: User, county_id: int) -> bool:
    """Supervisors placed on the county (its command centre) and platform administrators."""
    if is_platform_admin(user):
        return True
    return any(p.role == Role.SUPERVISOR and p.unit is not None and p.unit.pk == county_id
               for p in places_of(user))
