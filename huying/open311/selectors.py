"""The reads of the Open311 server: the jurisdiction, the services (the matter catalogue in
force) and the public service requests.

**Which cases are public.** GeoReport reads need no key, so anything they answer is
published. A case is public when it is of the jurisdiction's county, is not marked
stability-sensitive (`Case.sensitive`, 涉稳) and came in through a channel whose reporters
write for a public system: Open311 itself and the county's own web/app (`PUBLIC_CHANNEL_KINDS`).
Hotline work orders (operators' transcripts name the caller), grid and digital
city-management patrols, 民生110, petitions (信访, confidential by law) and cases raised on the
platform stay inside. Of a public case the reads give the matter, the description, the
address and point, the status, the lead department and the latest public answer — never the
reporter's name, phone or ID number, nor internal reasons (a call's, an escalation's)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from huying.cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseStatus,
    Channel,
    ChannelKind,
)
from huying.cases.states import OPEN_CASE, TERMINAL_CASE
from huying.catalog.models import MatterType
from huying.catalog.selectors import matter_types_in_force
from huying.common.errors import NotFound, ValidationFailed
from huying.open311.models import Submission
from huying.org.models import Level, OrgUnit

PUBLIC_CHANNEL_KINDS = frozenset({ChannelKind.OPEN311, ChannelKind.WEB_APP})
# GeoReport v2: "Default query limit is a span of 90 days or first 1000 requests returned,
# whichever is smallest."
MAX_REQUESTS = 1000
# Open and closed are the spec's two statuses; the case's own groups decide which is which.
STATUS_GROUPS = {"open": OPEN_CASE, "closed": TERMINAL_CASE}
# Cases in the hands of their town (本级处置, awaiting the town's approval of a call): the
# town answers for them, not the catalogue's county department.
HANDLED_BY_TOWN = frozenset({CaseStatus.LOCAL, CaseStatus.RESOLVED,
                             CaseStatus.AWAITING_APPROVAL})
# A lead that gave the case back or whose cycle ended is no longer responsible for it.
LEAD_GONE = frozenset({AssignmentStatus.RETURNED, AssignmentStatus.CANCELLED})


def jurisdiction_county(jurisdiction_id: str | None) -> OrgUnit:
    """The county a `jurisdiction_id` (its code) names; without one, the only county, and
    with several a ValidationFailed listing them (the spec's 400)."""
    counties = OrgUnit.objects.filter(level=Level.COUNTY)
    if jurisdiction_id:
        county = counties.filter(code=jurisdiction_id.strip()).first()
        if county is None:
            raise NotFound(_("Unknown jurisdiction_id %(id)s.") % {"id": jurisdiction_id[:40]},
                           field="jurisdiction_id")
        return county
    found = list(counties.order_by("code")[:50])
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(_("No county is set up yet."), field="jurisdiction_id")
    raise ValidationFailed(
        _("Give a jurisdiction_id: one of %(choices)s.")
        % {"choices": "、".join(f"{c.code}（{c.name}）" for c in found)},
        field="jurisdiction_id")


def services_of(county: OrgUnit, *, on) -> QuerySet[MatterType]:
    """The services: the matter types of the catalogue in force, with their domains."""
    return matter_types_in_force(county=county, on=on)


def service_get(county: OrgUnit, code: str, *, on) -> MatterType:
    matter = services_of(county, on=on).filter(code=code).first()
    if matter is None:
        raise NotFound(_("Unknown service_code %(code)s.") % {"code": code[:40]},
                       field="service_code")
    return matter


def public_channel_codes() -> list[str]:
    return list(Channel.objects.filter(kind__in=PUBLIC_CHANNEL_KINDS)
                .values_list("code", flat=True))


def public_cases(county: OrgUnit) -> QuerySet[Case]:
    """The county's public cases (see the module's docstring), with what a request row
    reads, in a fixed number of queries however many rows."""
    leads = (Assignment.objects.filter(role=AssignmentRole.LEAD).select_related("department")
             .order_by("cycle", "dispatched_at", "id"))
    submissions = Submission.objects.only("case_id", "media_url", "service_code",
                                          "service_name")
    return (Case.objects.filter(county=county, sensitive=False,
                                channel__in=public_channel_codes())
            .select_related("matter_type__lead_department", "merged_into", "town")
            .prefetch_related(Prefetch("assignments", queryset=leads, to_attr="open311_leads"),
                              Prefetch("open311_submission", queryset=submissions))
            .order_by("-reported_at", "-id"))


def public_case_get(county: OrgUnit, number: str) -> Case:
    case = public_cases(county).filter(number=number.strip().upper()).first()
    if case is None:
        raise NotFound(_("Service request %(id)s was not found.") % {"id": number[:40]},
                       field="service_request_id")
    return case


def requests_filtered(county: OrgUnit, *, ids: Sequence[str] = (),
                      service_codes: Sequence[str] = (), statuses: Sequence[str] = (),
                      start: datetime | None = None, end: datetime | None = None
                      ) -> list[Case]:
    """GET requests: ids override every other filter (as the spec says); otherwise the
    window [start, end) on the request time, the services and statuses; newest first, at
    most MAX_REQUESTS."""
    cases = public_cases(county)
    if ids:
        cases = cases.filter(number__in=[i.strip().upper() for i in ids])
    else:
        if service_codes:
            cases = cases.filter(matter_type__code__in=list(service_codes))
        if statuses:
            cases = cases.filter(status__in=set().union(*(STATUS_GROUPS[s] for s in statuses)))
        if start is not None:
            cases = cases.filter(reported_at__gte=start)
        if end is not None:
            cases = cases.filter(reported_at__lt=end)
    return list(cases[:MAX_REQUESTS])


def submission_of(case: Case) -> Submission | None:
    try:
        return case.open311_submission
    except Submission.DoesNotExist:
        return None


def lead_of(case: Case) -> Assignment | None:
    """The current cycle's lead still responsible (the newest), from the prefetched leads."""
    leads = [a for a in getattr(case, "open311_leads", ())
             if a.cycle == case.cycle and a.status not in LEAD_GONE]
    return leads[-1] if leads else None


def status_notes(case: Case) -> str:
    """The latest answer meant for the reporter: the lead's reply once every lead replied,
    the town's result of a case resolved locally, the reason of a rejection, the request a
    duplicate was merged into. Reasons of internal steps (calls, escalations, sending back)
    are not answers and stay inside."""
    if case.status in (CaseStatus.REPLIED, CaseStatus.CLOSED):
        replied = [a for a in getattr(case, "open311_leads", ())
                   if a.cycle == case.cycle and a.status == AssignmentStatus.REPLIED]
        replied.sort(key=lambda a: (a.replied_at is not None, a.replied_at))
        return replied[-1].result if replied else ""
    if case.status in (CaseStatus.RESOLVED, CaseStatus.REJECTED):
        return case.status_reason
    if case.status == CaseStatus.MERGED and case.merged_into is not None:
        return _("Merged into request %(number)s and handled there.") % {
            "number": case.merged_into.number}
    return ""
