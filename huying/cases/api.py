"""The case API (事项): the reads a client needs, and one POST route per declared action
(derived from `huying.cases.actions`, so the routes, the page's forms and the labels cannot
drift apart).

Cases are looked up through what the user may see, so an invisible case answers 404 exactly
like a missing one. Domain errors become `{code, message}` in `huying.common.api`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from huying.cases import flows, reads, selectors
from huying.cases.actions.base import REGISTRY
from huying.cases.actions.routes import add_action_routes
from huying.cases.actions.run import perform
from huying.cases.channel_keys import intake_matter, intake_source
from huying.cases.models import RequestStatus
from huying.cases.schemas import (
    CaseDetailOut,
    CaseListOut,
    CaseSearchIn,
    ExtensionDecisionIn,
    ExtensionRequestOut,
    IntakeIn,
    IntakeOut,
    QueueOut,
    RallyCallOut,
    case_detail_out,
    case_out,
    intake_out,
    queues_out,
    rally_out,
)
from huying.common.counting import count_capped
from huying.common.errors import ValidationFailed
from huying.common.keyset import page_after
from huying.org.auth import api_auth, request_token

router = Router(tags=["事项"], auth=api_auth)


def visible(request: HttpRequest, number: str):
    return selectors.case_get_visible(request.user, number)


# ---------------------------------------------------------------------------------------
# reads


@router.get("/cases", response=CaseListOut)
def case_search(request: HttpRequest, query: Query[CaseSearchIn]):
    """Newest first. Page with `after=<next>` (keyset: constant cost at any depth) or
    with `offset` (kept for older callers; slower the deeper it goes), not both."""
    if query.after and query.offset:
        raise ValidationFailed(_("Page with either after or offset, not both."),
                               field="after")
    cases = selectors.cases_search(request.user, query.filters(), now=timezone.now())
    page, following = page_after(cases, "reported_at", query.limit, query.after, query.offset)
    total, capped = count_capped(cases)
    return CaseListOut(total=total, total_capped=capped, limit=query.limit,
                       offset=query.offset, next=following, items=[case_out(c) for c in page])


@router.get("/cases/{number}", response=CaseDetailOut)
def case_detail(request: HttpRequest, number: str):
    return case_detail_out(request.user, visible(request, number), now=timezone.now())


@router.get("/queues", response=list[QueueOut])
def queues(request: HttpRequest):
    return queues_out(request.user)


@router.get("/rally-calls/open", response=list[RallyCallOut])
def rally_calls_open(request: HttpRequest):
    rallies = selectors.rally_calls_open_to(request.user).select_related("case", "town", "team")
    return [rally_out(r) for r in rallies]


add_action_routes(router)


@router.post("/intake/{channel}", response={200: IntakeOut, 201: IntakeOut})
def intake(request: HttpRequest, channel: str, body: IntakeIn) -> Status:
    """A report from a source system (12345, 96119, 数字城管 …) through its channel:
    201 the first time, 200 with `created: false` for the same payload again, 409
    `intake_conflict` for a different payload under the same external id."""
    source = reads.channel_by_code(channel)
    source_system = intake_source(actor=request.user, token=request_token(request),
                                  channel=source, source_system=body.source_system)
    fields = body.model_dump(exclude={"county", "unit", "matter", "external_id",
                                      "source_system"})
    unit = reads.unit_by_code(body.unit) if body.unit else None
    matter = intake_matter(source, body.matter,
                           located=unit is not None or body.longitude is not None)
    case, created = flows.case_report_filed(
        actor=request.user, county=reads.county_by_code(body.county), now=timezone.now(),
        matter_code=matter, unit=unit, channel=source.code, external_ref=body.external_id,
        source_system=source_system, **fields)
    if not created:
        # The same report sent again: the case it made, if this caller may see it.
        case = selectors.case_get_visible(request.user, case.number)
    return Status(201 if created else 200, intake_out(case, created))


@router.post("/extension-requests/{request_id}/decide", response=ExtensionRequestOut)
def extension_decide(request: HttpRequest, request_id: int, body: ExtensionDecisionIn):
    """The request named by its id (the same action as
    `/assignments/{id}/decide-extension`, which decides the assignment's pending request)."""
    extension = reads.extension_request_get_visible(request.user, request_id)
    if extension.status != RequestStatus.PENDING:
        # Only one request of an assignment is pending at a time: this one, or none.
        raise ValidationFailed(_("This extension request has already been decided."),
                               field="request")
    return perform(REGISTRY["decide_extension"], actor=request.user, now=timezone.now(),
                   data=body.model_dump(), assignment=extension.assignment)
