"""The GeoReport v2 endpoints under /open311/v2/: parse, call, render. Every refusal is the
spec's error list with its status (400 bad input, 403 bad or missing api_key, 404 unknown
jurisdiction, service, request or token); reads are public and need no key."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from huying.cases.models import Case
from huying.common.errors import DomainError, NotFound, PermissionDenied
from huying.open311 import selectors
from huying.open311.attributes import attributes_of
from huying.open311.formats import CONTENT_TYPES, render, render_errors
from huying.open311.inputs import request_filters_parse, request_form_parse
from huying.open311.models import Submission
from huying.open311.services import channel_key_for, open311_request_submit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this server's interface last changed (the discovery document's changeset).
CHANGESET = "2026-12-01T00:00:00+08:00"


def w3c(value) -> str | None:
    return timezone.localtime(value).replace(microsecond=0).isoformat() if value else None


def open311_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Domain refusals as the spec's error list, in the format the path asked for."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, fmt=fmt, **kwargs)
        except DomainError as error:
            status = error.status if isinstance(error, NotFound | PermissionDenied) else 400
            response = render_errors(fmt, status, [error.message])
        if request.method == "GET":
            # Public reads: any page may call them from the browser.
            response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


@require_GET
@open311_view
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    return render(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": _("The county's linkage command centre (联动指挥中心)."),
        "key_service": _("Ask the county's linkage command centre for an api_key of the "
                         "Open311 channel; reads need none."),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": request.build_absolute_uri("/open311/v2/"),
            "changeset": CHANGESET,
            "type": "production",
            "formats": [CONTENT_TYPES["xml"].split(";")[0], CONTENT_TYPES["json"].split(";")[0]],
        }],
    })


@require_GET
@open311_view
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    county = selectors.jurisdiction_county(request.GET.get("jurisdiction_id"))
    matters = selectors.services_of(county, on=timezone.localdate())
    return render(fmt, "services", [{
        "service_code": m.code,
        "service_name": m.name,
        "description": m.standard or m.name,
        "metadata": bool(attributes_of(m)),
        "type": "realtime",
        "keywords": ",".join(m.keywords),
        "group": m.domain.name,
    } for m in matters])


@require_GET
@open311_view
def service_definition(request: HttpRequest, service_code: str, *, fmt: str) -> HttpResponse:
    county = selectors.jurisdiction_county(request.GET.get("jurisdiction_id"))
    matter = selectors.service_get(county, service_code, on=timezone.localdate())
    return render(fmt, "service_definition", {
        "service_code": matter.code,
        "attributes": [a.as_spec() for a in attributes_of(matter)],
    })


def request_row(case: Case) -> dict:
    """One case as a GeoReport service request: no reporter, nothing internal."""
    submission = selectors.submission_of(case)
    matter = case.matter_type
    lead = selectors.lead_of(case)
    if lead is not None:
        agency = lead.department.name
    elif case.status in selectors.HANDLED_BY_TOWN and case.town is not None:
        agency = case.town.name
    elif matter is not None:
        agency = matter.lead_department.name  # 主体责任 by the catalogue, until dispatched
    else:
        agency = None
    return {
        "service_request_id": case.number,
        "status": "closed" if case.status in selectors.STATUS_GROUPS["closed"] else "open",
        "status_notes": selectors.status_notes(case) or None,
        "service_name": matter.name if matter else (submission.service_name
                                                    if submission else None),
        "service_code": matter.code if matter else (submission.service_code
                                                    if submission else None),
        "description": case.description,
        "agency_responsible": agency,
        "service_notice": None,
        "requested_datetime": w3c(case.reported_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": None,
        "address": case.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": (submission.media_url or None) if submission else None,
    }


def service_notice(case: Case) -> str:
    if case.matter_type is None:
        return _("Received as request %(number)s. The command centre will locate and "
                 "classify it.") % {"number": case.number}
    return _("Received as request %(number)s for %(department)s, the department responsible "
             "for %(matter)s.") % {"number": case.number, "matter": case.matter_type.name,
                                   "department": case.matter_type.lead_department.name}


@csrf_exempt  # the POST authenticates by its api_key and carries no cookie
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    now = timezone.now()
    if request.method == "POST":
        return request_create(request, fmt=fmt, now=now)
    county = selectors.jurisdiction_county(request.GET.get("jurisdiction_id"))
    filters = request_filters_parse(request.GET, now=now)
    cases = selectors.requests_filtered(
        county, ids=filters.ids, service_codes=filters.service_codes,
        statuses=filters.statuses, start=filters.start, end=filters.end)
    return render(fmt, "service_requests", [request_row(c) for c in cases])


def request_create(request: HttpRequest, *, fmt: str, now) -> HttpResponse:
    # The key first: an unknown caller learns nothing about its input.
    key = channel_key_for((request.POST.get("api_key") or "").strip(), now=now)
    county = selectors.jurisdiction_county(request.POST.get("jurisdiction_id"))
    form = request_form_parse(request.POST)
    submission = open311_request_submit(actor=key.token.user, key=key, county=county,
                                        form=form, now=now)
    case = submission.case
    return render(fmt, "service_requests", [{
        "service_request_id": case.number,
        "token": submission.token,
        "service_notice": service_notice(case),
        "account_id": None,
    }], status=201)


@require_GET
@open311_view
def request_detail(request: HttpRequest, service_request_id: str, *, fmt: str
                   ) -> HttpResponse:
    county = selectors.jurisdiction_county(request.GET.get("jurisdiction_id"))
    case = selectors.public_case_get(county, service_request_id)
    return render(fmt, "service_requests", [request_row(case)])


@require_GET
@open311_view
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    submission = (Submission.objects.filter(token=token).select_related("case")
                  .only("token", "case__number").first())
    if submission is None:
        raise NotFound(_("Token %(token)s was not found.") % {"token": token[:64]},
                       field="token")
    return render(fmt, "service_requests", [{"service_request_id": submission.case.number,
                                             "token": submission.token}])
