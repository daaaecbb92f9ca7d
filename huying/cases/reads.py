"""Read-only lookups the API needs on top of `selectors.py`: objects by code or id, scoped
so that what a user may not see answers 404 exactly like what does not exist. (What a user
may do now is asked of the action registry, `huying.cases.actions.run`.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from huying.cases import ports
from huying.cases.access import cases_visible_to
from huying.cases.models import (
    CHANNELS,
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    Channel,
    ExtensionRequest,
    RallyCall,
    channel_is_active,  # noqa: F401  (reads.channel_is_active)
)
from huying.cases.ports import ClockView
from huying.cases.selectors import rally_calls_open_to
from huying.common import memo
from huying.common.errors import NotFound, ValidationFailed
from huying.org.models import Department, Level, OrgUnit, User, VolunteerTeam
from huying.org.selectors import UNITS

# ---------------------------------------------------------------------------------------
# lookups by code (input references) — unknown codes are input errors (422)


def county_by_code(code: str) -> OrgUnit:
    """Remembered with the units (`org.selectors.UNITS`): every report names its county.
    Shared between callers: read only."""
    county = memo.remembered(UNITS, ("county", code), lambda: OrgUnit.objects.filter(
        level=Level.COUNTY, code=code).first())
    if county is None:
        raise ValidationFailed(_("Unknown county %(code)s.") % {"code": code}, field="county")
    return county


def channel_by_code(code: str) -> Channel:
    """An active channel of the registry; others answer 404, like a route that is not there.
    Remembered with the registry (`CHANNELS`); shared between callers: read only."""
    channel = memo.remembered(CHANNELS, ("active", code), lambda: Channel.objects.filter(
        code=code, active=True).first())
    if channel is None:
        raise NotFound(_("Unknown or inactive channel %(channel)s.") % {"channel": code[:40]},
                       field="channel")
    return channel


def unit_by_code(code: str, *, field: str = "unit") -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationFailed(_("Unknown unit %(code)s.") % {"code": code}, field=field)
    return unit


def department_by_code(code: str, *, field: str = "lead") -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise ValidationFailed(_("Unknown department %(code)s.") % {"code": code}, field=field)
    return department


def departments_by_code(codes: Sequence[str], *, field: str = "co") -> list[Department]:
    return [department_by_code(code, field=field) for code in codes]


def users_by_username(usernames: Sequence[str], *, field: str = "participants") -> list[User]:
    users = {u.username: u for u in User.objects.filter(username__in=list(usernames))}
    unknown = [name for name in usernames if name not in users]
    if unknown:
        raise ValidationFailed(_("Unknown users: %(names)s.") % {"names": "、".join(unknown)},
                               field=field)
    return [users[name] for name in dict.fromkeys(usernames)]


def team_get(team_id: int) -> VolunteerTeam:
    team = VolunteerTeam.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed(_("Unknown volunteer team %(id)d.") % {"id": team_id},
                               field="team")
    return team


# ---------------------------------------------------------------------------------------
# scoped lookups by id — invisible answers exactly like missing (404)


def assignment_get_visible(user: User, assignment_id: int) -> Assignment:
    assignment = (Assignment.objects.filter(pk=assignment_id, case__in=cases_visible_to(user))
                  .select_related("case", "department").first())
    if assignment is None:
        raise NotFound(_("Assignment %(id)d was not found or is not yours to see.")
                       % {"id": assignment_id})
    return assignment


def extension_request_get_visible(user: User, request_id: int) -> ExtensionRequest:
    request = (ExtensionRequest.objects
               .filter(pk=request_id, assignment__case__in=cases_visible_to(user))
               .select_related("assignment__case").first())
    if request is None:
        raise NotFound(_("Extension request %(id)d was not found or is not yours to see.")
                       % {"id": request_id})
    return request


def rally_get_visible(user: User, rally_id: int) -> RallyCall:
    """A rally call on a case the user sees, or one still open to the user's teams (a
    volunteer sees the case only once the team has claimed it)."""
    rally = (RallyCall.objects.filter(pk=rally_id)
             .filter(Q(pk__in=rally_calls_open_to(user).values("pk"))
                     | Q(case__in=cases_visible_to(user)))
             .select_related("case", "team", "town").first())
    if rally is None:
        raise NotFound(_("Rally call %(id)d was not found or is not yours to see.")
                       % {"id": rally_id})
    return rally


def attachment_get_visible(user: User, attachment_id: int) -> Attachment:
    attachment = (Attachment.objects
                  .filter(pk=attachment_id, case__in=cases_visible_to(user)).first())
    if attachment is None:
        raise NotFound(_("File %(id)d was not found or is not yours to see.")
                       % {"id": attachment_id})
    return attachment


# ---------------------------------------------------------------------------------------
# the case file


def case_events(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("seq")


def case_assignments(case: Case) -> QuerySet[Assignment]:
    """Every cycle's assignments, each cycle's lead first."""
    return (case.assignments.select_related("department", "signed_by", "replied_by")
            .prefetch_related("extension_requests").order_by("cycle", "-role", "id"))


def case_attachments(case: Case) -> QuerySet[Attachment]:
    return case.attachments.select_related("uploaded_by").order_by("uploaded_at", "id")


def case_clocks(case: Case, *, now: datetime) -> list[ClockView]:
    """The SLA clocks of every cycle; working time left only while a clock still counts.
    Supervision keeps the clocks and answers through `cases.ports`."""
    return ports.case_clocks(case, now=now)
