"""Reads of cases: who may see what, the to-do queues per role, search, the masking of
personal data, rally calls and volunteers' credit, and what the public may track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from huying.cases import ports
from huying.cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseStatus,
    CreditEntry,
    ExtensionRequest,
    RallyCall,
    RallyStatus,
    RequestStatus,
)
from huying.cases.scope import CASE_UNIT_FIELD, actor_in_scope, places_of
from huying.common.errors import NotFound
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
    VolunteerTeam,
)
from huying.org.privacy import mask_id_number, mask_phone

TERRITORIAL_ROLES = GRID_ROLES | {Role.INITIATOR, Role.TOWN_REVIEWER, Role.LEADER}


def is_platform_admin(user: User) -> bool:
    return user.is_superuser or any(p.role == Role.ADMIN for p in places_of(user))


def unit_q(unit) -> Q:
    field = CASE_UNIT_FIELD.get(unit.level)
    if field is not None:
        return Q(**{field: unit.pk})
    return Q(unit__path__startswith=unit.path)


def cases_visible_to(user: User) -> QuerySet[Case]:
    """The cases a user may see: their grid, community or town; their department's
    assignments; the area of their command centre; the whole county for its leaders;
    the cases of rally calls their volunteer team took on. Admins see everything."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if is_platform_admin(user):
        return Case.objects.all()
    condition = Q(pk__in=[])
    department_ids: set[int] = set()
    for place in places_of(user):
        if place.role in DEPARTMENT_ROLES and place.department_id:
            department_ids.add(place.department_id)
        elif place.unit is not None and (place.role in TERRITORIAL_ROLES or (
                place.role == Role.SUPERVISOR and place.department_kind in (
                    None, DepartmentKind.CENTRE))):
            condition |= unit_q(place.unit)
    if department_ids:
        condition |= Q(Exists(Assignment.objects.filter(case=OuterRef("pk"),
                                                        department_id__in=department_ids)))
    teams = VolunteerMember.objects.filter(user=user).values("team_id")
    condition |= Q(Exists(RallyCall.objects.filter(case=OuterRef("pk"), team_id__in=teams)))
    condition |= Q(reported_by=user)
    return Case.objects.filter(condition)


def case_get_visible(user: User, number: str) -> Case:
    case = cases_visible_to(user).filter(number=number).select_related(
        "matter_type", "unit", "town", "community", "grid", "county").first()
    if case is None:
        # Same answer whether the case does not exist or is not the user's to see.
        raise NotFound(_("Case %(number)s was not found or is not yours to see.")
                       % {"number": number})
    return case


def user_department_ids(user: User) -> set[int]:
    return {p.department_id for p in places_of(user)
            if p.role in DEPARTMENT_ROLES and p.department_id}


def may_see_personal_data(user: User, case: Case) -> bool:
    """Full phone and ID numbers only for those who need to contact the reporter: the
    command centre, admins, the person who reported it, and the lead department while it
    handles the case. Everyone else sees them masked."""
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
    if may_see_personal_data(user, case):
        return ReporterView(case.reporter_name, case.reporter_phone, case.reporter_id_number,
                            False)
    name = case.reporter_name[:1] + "*" * max(len(case.reporter_name) - 1, 0)
    return ReporterView(name, mask_phone(case.reporter_phone),
                        mask_id_number(case.reporter_id_number), True)


# ---------------------------------------------------------------------------------------
# to-do queues


def queue_to_approve(user: User) -> QuerySet[Case]:
    """待审核: calls waiting for this town reviewer."""
    towns = [p.unit for p in places_of(user) if p.role == Role.TOWN_REVIEWER and p.unit]
    if not towns:
        return Case.objects.none()
    return Case.objects.filter(status=CaseStatus.AWAITING_APPROVAL,
                               town__in=towns).order_by("updated_at")


def queue_to_triage(user: User) -> QuerySet[Case]:
    """待研判: new reports and approved calls at this user's command centre."""
    if not any(p.role == Role.SUPERVISOR for p in places_of(user)):
        return Case.objects.none()
    return cases_visible_to(user).filter(
        Q(status=CaseStatus.TRIAGE) | Q(status__in=[CaseStatus.REPORTED, CaseStatus.REGISTERED],
                                        level="county")).order_by("-urgent", "reported_at")


def queue_to_sign(user: User) -> QuerySet[Assignment]:
    """待签收: assignments of the user's departments waiting for a signature."""
    return Assignment.objects.filter(
        department_id__in=user_department_ids(user), status=AssignmentStatus.PENDING,
    ).select_related("case", "department").order_by("dispatched_at")


def queue_to_handle(user: User) -> QuerySet[Assignment]:
    """待办理: signed assignments of the user's departments not yet replied."""
    return Assignment.objects.filter(
        department_id__in=user_department_ids(user),
        status__in=[AssignmentStatus.SIGNED, AssignmentStatus.RETURN_REQUESTED],
    ).select_related("case", "department").order_by("dispatched_at")


def queue_to_evaluate(user: User) -> QuerySet[Case]:
    """待评价: replied cases this initiator (or the centre, for hotline cases) judges."""
    if not any(p.role in (Role.SUPERVISOR, Role.INITIATOR) for p in places_of(user)):
        return Case.objects.none()
    return cases_visible_to(user).filter(status=CaseStatus.REPLIED).order_by(
        "evaluation_due_at")


def queue_local(user: User) -> QuerySet[Case]:
    """待处置: cases the user's grid, community or town handles itself, or has to register."""
    units = [p.unit for p in places_of(user)
             if p.unit is not None and (p.role in GRID_ROLES or p.role == Role.INITIATOR)]
    if not units:
        return Case.objects.none()
    condition = Q(pk__in=[])
    for unit in units:
        condition |= unit_q(unit)
    return Case.objects.filter(condition).filter(
        status__in=[CaseStatus.REPORTED, CaseStatus.REGISTERED, CaseStatus.LOCAL]
    ).exclude(level="county").order_by("reported_at")


def queue_decisions(user: User) -> QuerySet[Assignment]:
    """Return and extension requests waiting for this supervisor's decision."""
    if not any(p.role == Role.SUPERVISOR for p in places_of(user)):
        return Assignment.objects.none()
    pending_extension = ExtensionRequest.objects.filter(assignment=OuterRef("pk"),
                                                        status=RequestStatus.PENDING)
    return Assignment.objects.filter(case__in=cases_visible_to(user)).filter(
        Q(status=AssignmentStatus.RETURN_REQUESTED) | Q(Exists(pending_extension))
    ).select_related("case", "department")


def rally_calls_open_to(user: User) -> QuerySet[RallyCall]:
    """Open rally calls a volunteer's teams may claim: those in or above the team's area."""
    condition = Q(pk__in=[])
    for member in VolunteerMember.objects.filter(user=user, team__active=True).select_related(
            "team__unit"):
        unit = member.team.unit
        condition |= Q(town__path__startswith=unit.path) | Q(town_id__in=unit.ancestor_ids())
    return RallyCall.objects.filter(status=RallyStatus.OPEN).filter(condition)


@dataclass(frozen=True)
class CaseFilters:
    status: list[str] | None = None
    matter_code: str | None = None
    colour: str | None = None
    unit_code: str | None = None
    channel: str | None = None
    reported_from: date | None = None
    reported_to: date | None = None
    text: str | None = None
    overdue: bool | None = None


def cases_search(user: User, filters: CaseFilters, *, now: datetime) -> QuerySet[Case]:
    cases = cases_visible_to(user)
    if filters.status:
        cases = cases.filter(status__in=filters.status)
    if filters.matter_code:
        cases = cases.filter(matter_type__code=filters.matter_code)
    if filters.colour:
        cases = cases.filter(colour=filters.colour)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.unit_code:
        unit = OrgUnit.objects.filter(code=filters.unit_code).first()
        cases = cases.filter(unit_q(unit)) if unit else cases.none()
    if filters.reported_from:
        cases = cases.filter(reported_at__date__gte=filters.reported_from)
    if filters.reported_to:
        cases = cases.filter(reported_at__date__lte=filters.reported_to)
    if filters.text:
        cases = cases.filter(Q(title__icontains=filters.text) | Q(number=filters.text)
                             | Q(address__icontains=filters.text))
    if filters.overdue is not None:
        overdue_q = Q(pk__in=ports.case_ids_overdue(now=now))
        cases = cases.filter(overdue_q) if filters.overdue else cases.exclude(overdue_q)
    return cases.select_related("matter_type", "town").order_by("-reported_at")


# ---------------------------------------------------------------------------------------
# towns, rally calls, volunteers' credit and public tracking


def towns_of(user: User) -> list[OrgUnit]:
    """The towns an initiator or town reviewer works for (their unit's town)."""
    towns: dict[int, OrgUnit] = {}
    for place in places_of(user):
        unit = place.unit
        if unit is None or place.department_id is not None or place.role not in (
                Role.INITIATOR, Role.TOWN_REVIEWER):
            continue
        if unit.level == Level.TOWN:
            towns[unit.pk] = unit
        else:
            ids = unit.ancestor_ids()
            if len(ids) > 1:
                town = OrgUnit.objects.filter(pk=ids[1], level=Level.TOWN).first()
                if town is not None:
                    towns[town.pk] = town
    return sorted(towns.values(), key=lambda u: u.code)


def rally_calls_of_towns(towns: list[OrgUnit]) -> QuerySet[RallyCall]:
    return (RallyCall.objects.filter(town__in=towns)
            .select_related("case", "team", "town", "created_by").order_by("-created_at"))


def teams_of(user: User) -> list[VolunteerTeam]:
    return list(VolunteerTeam.objects.filter(members__user=user, active=True)
                .select_related("unit").order_by("name"))


def rally_calls_claimed_by_teams(teams: list[VolunteerTeam]) -> QuerySet[RallyCall]:
    return (RallyCall.objects.filter(team__in=teams)
            .filter(Q(status=RallyStatus.CLAIMED) | Q(status=RallyStatus.COMPLETED))
            .select_related("case", "team", "town").order_by("status", "-claimed_at"))


def team_members(team: VolunteerTeam) -> list[User]:
    return [m.user for m in VolunteerMember.objects.filter(team=team).select_related("user")
            .order_by("user__username")]


def credit_balance(user: User) -> int:
    """A volunteer's credit points: the sum of the ledger (the ledger is the truth)."""
    return CreditEntry.objects.filter(user=user).aggregate(total=Sum("points"))["total"] or 0


def credit_entries(user: User) -> QuerySet[CreditEntry]:
    return (CreditEntry.objects.filter(user=user)
            .select_related("rally__case", "team").order_by("-at"))


# ---------------------------------------------------------------------------------------
# public tracking

# The milestones a member of the public may see, in their own words. Everything else on the
# record (who did it, reasons, comments, internal steps) stays inside.
PUBLIC_MILESTONES = ("report", "register", "reject", "merge", "handle_locally",
                     "resolve_locally", "call", "call_approve", "dispatch", "all_replied",
                     "close", "reopen", "autoclose")


@dataclass(frozen=True)
class Milestone:
    action: str
    at: datetime


@dataclass(frozen=True)
class PublicCase:
    number: str
    status: str
    matter: str
    town: str
    reported_at: datetime
    milestones: list[Milestone]


def case_public(number: str) -> PublicCase | None:
    """What anyone holding the number may know of a case: no names, phones, addresses,
    descriptions or reasons."""
    case = (Case.objects.filter(number=number.strip().upper())
            .select_related("matter_type", "town").first())
    if case is None:
        return None
    events = case.events.filter(action__in=PUBLIC_MILESTONES).order_by("seq")
    return PublicCase(number=case.number, status=case.status,
                      matter=case.matter_type.name if case.matter_type else "",
                      town=case.town.name if case.town else "",
                      reported_at=case.reported_at,
                      milestones=[Milestone(e.action, e.at) for e in events])


def departments_taking_work(case: Case) -> QuerySet[Department]:
    """The departments a case may be assigned to: active ones of its county or its town,
    never a command centre (it dispatches, it does not handle)."""
    return (Department.objects.filter(active=True, unit_id__in=[case.county_id, case.town_id])
            .exclude(kind=DepartmentKind.CENTRE).order_by("code"))
