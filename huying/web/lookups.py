"""Reads the boards need that the domain apps do not offer (yet) as selectors: rally calls
of a town or a team, a volunteer's credit ledger, appeals in a viewer's scope and public
case tracking. Each is a plain scoped query with no rule of its own; they belong in the
domain apps' selectors and are kept here, in one place, until they move there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet, Sum

from huying.cases.models import Case, CreditEntry, RallyCall, RallyStatus
from huying.cases.scope import places_of
from huying.org.models import Level, OrgUnit, Role, User, VolunteerMember, VolunteerTeam

# ---------------------------------------------------------------------------------------
# towns and rally calls


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


# ---------------------------------------------------------------------------------------
# appeals


def appeals_for(*, county: OrgUnit, department_ids: set[int] | None) -> QuerySet:
    """The county's appeals (None: all of them) or those of the given departments."""
    from huying.assessment.models import Appeal

    rows = Appeal.objects.filter(deduction__case__county=county)
    if department_ids is not None:
        rows = rows.filter(department_id__in=department_ids)
    from django.db.models import Case as SqlCase
    from django.db.models import IntegerField, Value, When

    pending_first = SqlCase(When(status="pending", then=Value(0)), default=Value(1),
                            output_field=IntegerField())
    return (rows.select_related("deduction__case", "department", "submitted_by", "decided_by")
            .annotate(pending_first=pending_first).order_by("pending_first", "-submitted_at"))
