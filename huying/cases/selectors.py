"""Reads of cases: the to-do queues per role, search, rally calls and volunteers' credit,
what the public may track, and the facts a deduction is weighed by (the case's colour, the
lead answering for an evaluation). Who may see which case (and whose personal data) is answered by
`cases/access.py`; its names are imported here because every queue builds on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from huying.cases import ports
from huying.cases.access import (  # noqa: F401  (re-exported for the readers of selectors)
    TERRITORIAL_ROLES,
    ReporterView,
    case_get_visible,
    cases_visible_to,
    is_platform_admin,
    may_see_personal_data,
    reporter_for,
    unit_q,
    user_department_ids,
)
from huying.cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseStatus,
    CreditEntry,
    Evaluation,
    ExtensionRequest,
    RallyCall,
    RallyStatus,
    RequestStatus,
)
from huying.cases.scope import places_of
from huying.catalog.models import Colour
from huying.common.days import day_range
from huying.org.models import (
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
from huying.org.selectors import with_units

# ---------------------------------------------------------------------------------------
# the facts a deduction is weighed by


def case_colour(case: Case) -> str:
    """The case's colour (五色); a case classified before colours existed counts as its
    type's, and one without a type as green. The one rule for the supervision ladder's rung
    and for the weight of every deduction, whichever app records it."""
    if case.colour:
        return case.colour
    if case.matter_type_id is not None:
        return case.matter_type.colour
    return Colour.GREEN


def evaluation_lead(evaluation: Evaluation) -> Assignment | None:
    """The lead that answers for an evaluated cycle: the newest lead of that cycle whose
    return was not approved and that was not cancelled. After a redispatch the returned
    lead keeps its row (and may be the newest one, when the lead went on to a promoted
    co-handler), so "newest lead" alone would blame the department that handed it back."""
    return (Assignment.objects.filter(case_id=evaluation.case_id, cycle=evaluation.cycle,
                                      role=AssignmentRole.LEAD)
            .exclude(status__in=[AssignmentStatus.RETURNED, AssignmentStatus.CANCELLED])
            .select_related("department").order_by("-id").first())


# ---------------------------------------------------------------------------------------
# departments that may take work


def department_takes_work(department: Department, case: Case) -> bool:
    """May `department` be given an assignment on `case`? An active department that is not
    a command centre and serves the case's county or town. The one rule: the dispatch
    service checks it, the forms list `departments_taking_work`."""
    return (department.active and department.kind != DepartmentKind.CENTRE
            and department.unit_id in (case.county_id, case.town_id))


def departments_taking_work(case: Case) -> QuerySet[Department]:
    """The departments that may be given an assignment on `case`, by code."""
    return (Department.objects.filter(active=True, unit_id__in=[case.county_id, case.town_id])
            .exclude(kind=DepartmentKind.CENTRE).order_by("code"))


def departments_of_county(county: OrgUnit) -> QuerySet[Department]:
    """The county's departments that may take work anywhere in it (slips, listings)."""
    return (Department.objects.filter(active=True, unit=county)
            .exclude(kind=DepartmentKind.CENTRE).order_by("code"))


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
    """待研判: new reports and approved calls at this user's command centre, the
    stability-sensitive pinned first, then the urgent, then the oldest."""
    if not any(p.role == Role.SUPERVISOR for p in places_of(user)):
        return Case.objects.none()
    return cases_visible_to(user).filter(
        Q(status=CaseStatus.TRIAGE) | Q(status__in=[CaseStatus.REPORTED, CaseStatus.REGISTERED],
                                        level="county")).order_by("-sensitive", "-urgent",
                                                                  "reported_at")


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
    for lookup, at in day_range(filters.reported_from, filters.reported_to).items():
        cases = cases.filter(**{f"reported_at__{lookup}": at})
    if filters.text:
        cases = cases.filter(Q(title__icontains=filters.text) | Q(number=filters.text)
                             | Q(address__icontains=filters.text))
    if filters.overdue is not None:
        overdue_q = Q(pk__in=ports.case_ids_overdue(now=now))
        cases = cases.filter(overdue_q) if filters.overdue else cases.exclude(overdue_q)
    # The units' names, not their polygons: a page of 20 cases must not carry 40 outlines.
    return (cases.select_related("matter_type", "town", "unit")
            .defer("town__geometry", "unit__geometry").order_by("-reported_at"))


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
    return with_units(RallyCall.objects.filter(town__in=towns), "case", "team", "town",
                      "created_by").order_by("-created_at")


def teams_of(user: User) -> list[VolunteerTeam]:
    return list(VolunteerTeam.objects.filter(members__user=user, active=True)
                .select_related("unit").order_by("name"))


def rally_calls_claimed_by_teams(teams: list[VolunteerTeam]) -> QuerySet[RallyCall]:
    return (with_units(RallyCall.objects.filter(team__in=teams), "case", "team", "town")
            .filter(Q(status=RallyStatus.CLAIMED) | Q(status=RallyStatus.COMPLETED))
            .order_by("status", "-claimed_at"))


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
