"""Who supervises whom, how supervision tells people, and listed supervision (挂牌督办).

The permission and people helpers here are shared by the ladder, interviews and slips, so
"who is a supervisor of this county" is answered in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from huying.cases import access, validation
from huying.cases.events import event_append
from huying.cases.models import Case
from huying.common import memo
from huying.common.errors import NotFound, PermissionDenied, ValidationFailed
from huying.common.messages import Message, message
from huying.notifications.services import notify
from huying.org.models import Department, DepartmentKind, Membership, OrgUnit, Role, User
from huying.org.selectors import PEOPLE
from huying.supervision.models import LeaderKind, LeaderPost, ListedCase

DEPARTMENT_STAFF = (Role.RESPONDER, Role.DEPT_HEAD, Role.DEPT_DEPUTY)

# ---------------------------------------------------------------------------------------
# who is who


def _memberships(**filters) -> Iterable[Membership]:
    return Membership.objects.filter(active=True, user__is_active=True, **filters)


def department_people(department: Department, roles: Iterable[str]) -> list[User]:
    """The active holders of `roles` in `department`; remembered (`org.selectors.PEOPLE`),
    since every level the sweep fires asks who to tell. Shared: read only."""
    roles = tuple(roles)

    def load() -> list[User]:
        rows = _memberships(department=department, role__in=roles).select_related("user")
        return _unique(m.user for m in rows.order_by("role", "user_id"))

    return memo.remembered(PEOPLE, ("department", department.pk, roles), load)


def department_head(department: Department) -> User | None:
    heads = department_people(department, [Role.DEPT_HEAD])
    return heads[0] if heads else None


def department_deputy(department: Department) -> User | None:
    """The deputy head, or the head where the department has no deputy on the platform."""
    deputies = department_people(department, [Role.DEPT_DEPUTY])
    return deputies[0] if deputies else department_head(department)


def centre_supervisors(county: OrgUnit) -> list[User]:
    rows = _memberships(role=Role.SUPERVISOR, department__kind=DepartmentKind.CENTRE,
                        department__unit=county).select_related("user")
    return _unique(m.user for m in rows.order_by("user_id"))


def county_leaders(county: OrgUnit) -> list[User]:
    """Leader memberships on the county and the county's leader posts."""
    users = [m.user for m in _memberships(role=Role.LEADER, unit=county).select_related("user")
             .order_by("user_id")]
    users += [p.user for p in LeaderPost.objects.filter(county=county, active=True,
                                                        user__is_active=True)
              .select_related("user").order_by("user_id")]
    return _unique(users)


def leaders_of_kind(county: OrgUnit, kind: str) -> list[User]:
    return _unique(p.user for p in LeaderPost.objects.filter(
        county=county, kind=kind, active=True, user__is_active=True).select_related("user")
        .order_by("id"))


def leader_kind_of(user: User, county: OrgUnit) -> str | None:
    post = LeaderPost.objects.filter(user=user, county=county, active=True).first()
    return post.kind if post else None


def _unique(users: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        seen.setdefault(user.pk, user)
    return list(seen.values())


# ---------------------------------------------------------------------------------------
# permissions


def holds_leader_post(actor: User | None, county: OrgUnit) -> bool:
    """The one fact of "who may see" that lives here: the leader posts (分管领导)."""
    return actor is not None and LeaderPost.objects.filter(user=actor, county=county,
                                                           active=True).exists()


def is_supervisor_of(actor: User | None, county: OrgUnit) -> bool:
    return access.is_centre_supervisor_of(actor, county)


def is_leader_of(actor: User | None, county: OrgUnit) -> bool:
    return access.is_county_leader(actor, county,
                                   holds_leader_post=holds_leader_post(actor, county))


def oversees(actor: User | None, county: OrgUnit) -> bool:
    """Supervisors, leaders and administrators see the county's whole supervision board."""
    return access.oversees_county(actor, county,
                                  holds_leader_post=holds_leader_post(actor, county))


def works_in(actor: User | None, department: Department | None,
             roles: Iterable[str] = DEPARTMENT_STAFF) -> bool:
    if actor is None or department is None or not actor.is_active:
        return False
    return _memberships(user=actor, department=department, role__in=list(roles)).exists()


def departments_of(actor: User) -> list[int]:
    return sorted(access.user_department_ids(actor))


def counties_of(actor: User) -> list[OrgUnit]:
    """The counties the actor has a place in (through a unit, a department or a leader
    post)."""
    counties = {c.pk: c for c in access.counties_of(actor)}
    for post in LeaderPost.objects.filter(user=actor, active=True).select_related("county"):
        counties.setdefault(post.county_id, post.county)
    return sorted(counties.values(), key=lambda c: c.code)


def viewer_scope(actor: User, county: OrgUnit) -> list[int] | None:
    """What of the county's supervision the actor sees (`access.department_records_scope`):
    everything (None) for supervisors, leaders and administrators; their own departments'
    part for department staff."""
    return access.department_records_scope(
        actor, county, holds_leader_post=holds_leader_post(actor, county))


def may_supervise(actor: User | None, county: OrgUnit) -> bool:
    """A supervisor of the county's command centre, or an administrator."""
    return is_supervisor_of(actor, county) or access.is_platform_admin(actor)


def require_supervisor(actor: User | None, county: OrgUnit) -> None:
    if not may_supervise(actor, county):
        raise PermissionDenied(_("Only a supervisor of the command centre may do this."))


# ---------------------------------------------------------------------------------------
# telling people (the notification centre does delivery, dedupe and webhooks)


def tell(*, users: Iterable[User | None], kind: str, title: Message, body: Message | str,
         now: datetime, case: Case | None = None, link: str = "",
         dedupe_key: str | None = None) -> None:
    """`title` is a message rendered when read; `body` may be what a person wrote."""
    recipients = _unique(u for u in users if u is not None)
    if recipients:
        notify(users=recipients, kind=kind, title=title, body=body, now=now, case=case,
               link=link, dedupe_key=dedupe_key)


# ---------------------------------------------------------------------------------------
# leader posts


@transaction.atomic
def leader_post_set(*, actor: User | None, user: User, county: OrgUnit, kind: str,
                    now: datetime, title: str = "") -> LeaderPost:
    """Mark a county leader as the party committee's or the government's leader in charge."""
    if actor is not None and not access.is_platform_admin(actor):
        raise PermissionDenied(_("Only administrators may set leader posts."))
    if kind not in LeaderKind.values:
        raise ValidationFailed(_("Unknown leader kind %(kind)s.") % {"kind": kind},
                               field="kind")
    post, _created = LeaderPost.objects.update_or_create(
        user=user, county=county, kind=kind, defaults={"title": title, "active": True})
    return post


# ---------------------------------------------------------------------------------------
# listed supervision (挂牌督办)


def _may_list(actor: User, case: Case) -> None:
    county = case.county
    if not oversees(actor, county):
        raise PermissionDenied(_("Only supervisors and leaders may list a case for supervision."))


@transaction.atomic
def case_list_for_supervision(*, actor: User, case: Case, reason: str,
                              now: datetime) -> ListedCase:
    """Put a badly handled case under listed supervision; the case record shows it."""
    reason = validation.reason(reason)
    case = Case.objects.select_for_update(of=("self",)).select_related("county").get(pk=case.pk)
    _may_list(actor, case)
    if ListedCase.objects.filter(case=case, delisted_at__isnull=True).exists():
        raise ValidationFailed(_("The case is already under listed supervision."), field="case")
    listing = ListedCase.objects.create(case=case, reason=reason, listed_by=actor,
                                        listed_at=now)
    event_append(case=case, actor=actor, action="listed_supervision", from_status=case.status,
                 to_status=case.status, now=now, payload={"reason": reason,
                                                          "listing": listing.pk})
    departments = {a.department for a in case.assignments.filter(cycle=case.cycle)
                   .select_related("department")}
    tell(users=[u for d in departments for u in department_people(d, DEPARTMENT_STAFF)],
         kind="decision",
         title=message(gettext_noop("Case %(number)s is under listed supervision"),
                       number=case.number), body=reason, now=now, case=case,
         dedupe_key=f"listed:{listing.pk}")
    return listing


@transaction.atomic
def case_delist(*, actor: User, case: Case, note: str, now: datetime) -> ListedCase:
    note = validation.reason(note)
    case = Case.objects.select_for_update(of=("self",)).select_related("county").get(pk=case.pk)
    _may_list(actor, case)
    listing = ListedCase.objects.select_for_update().filter(
        case=case, delisted_at__isnull=True).first()
    if listing is None:
        raise NotFound(_("The case is not under listed supervision."))
    listing.delisted_by, listing.delisted_at, listing.delist_note = actor, now, note
    listing.save()
    event_append(case=case, actor=actor, action="delisted_supervision", from_status=case.status,
                 to_status=case.status, now=now, payload={"note": note, "listing": listing.pk})
    return listing
