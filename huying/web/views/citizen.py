"""The citizen's own page (群众端, H5): report a problem without an account, follow it by an
unguessable link, rate the outcome once it is finished.

- `/h5/` (`web:h5`): the entry — report, or find my reports.
- `/h5/phone?next=report|mine`: confirm a mainland mobile number by a one-time code; the
  session then holds the phone for 30 minutes (a new session key on confirmation).
- `/h5/report`: text, up to three photos, the place (GPS, a tap on the map, or an address).
  The answer shows the tracking link once; only its hash is kept.
- `/h5/t/<token>/`: the case in the citizen's words; `…/rate` rates it once finished.
- `/h5/mine`: the reports of the confirmed phone; each opens without a link and can be given
  a new link (the old one stops working).

Every page renders without the staff top bar. Refusals are the services' Chinese messages
with their status (422, 409, 429); nothing is written on a refusal.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huying.catalog.selectors import default_county
from huying.citizens import selectors, services
from huying.citizens.models import CitizenRatingChoice, CitizenReport
from huying.common.errors import DomainError, ValidationFailed
from huying.org.models import Level, OrgUnit
from huying.org.privacy import mask_phone
from huying.web.views.common import map_options, now, text
from huying.web.views.public import client_address
from huying.web.views.report import map_geojson

SESSION_PHONE = "h5_phone"
SESSION_AT = "h5_phone_at"
CONFIRMED_FOR = timedelta(minutes=30)
NEXT_PAGES = {"report": "web:h5-report", "mine": "web:h5-mine"}


def confirmed_phone(request: HttpRequest) -> str:
    """The phone this browser confirmed in the last 30 minutes, else ""."""
    phone = request.session.get(SESSION_PHONE, "")
    at = request.session.get(SESSION_AT)
    if not phone or not at:
        return ""
    try:
        confirmed = datetime.fromisoformat(at)
    except ValueError:
        return ""
    return phone if now() - confirmed < CONFIRMED_FOR else ""


def to_phone(next_page: str) -> HttpResponse:
    return redirect(f"{reverse('web:h5-phone')}?next={next_page}")


@require_GET
def h5_home(request: HttpRequest) -> HttpResponse:
    phone = confirmed_phone(request)
    return render(request, "web/h5/home.html", {"phone": mask_phone(phone)})


@require_http_methods(["GET", "POST"])
def h5_phone(request: HttpRequest) -> HttpResponse:
    next_page = request.POST.get("next") or request.GET.get("next", "report")
    next_page = next_page if next_page in NEXT_PAGES else "report"
    context: dict[str, Any] = {"next": next_page, "phone": text(request.POST, "phone"),
                               "sent": False, "error": "", "error_field": ""}
    if request.method != "POST":
        return render(request, "web/h5/phone.html", context)
    step = request.POST.get("step", "send")
    try:
        if step == "confirm":
            phone = services.phone_code_confirm(phone=context["phone"],
                                                code=text(request.POST, "code"), now=now())
            request.session.cycle_key()  # a confirmed phone gets a session key of its own
            request.session[SESSION_PHONE] = phone
            request.session[SESSION_AT] = now().isoformat()
            return redirect(NEXT_PAGES[next_page])
        row = services.phone_code_request(phone=context["phone"],
                                          client_ip=client_address(request), now=now())
        context |= {"sent": True, "phone": row.phone, "masked": mask_phone(row.phone)}
        return render(request, "web/h5/phone.html", context)
    except DomainError as error:
        field = str(error.details.get("field", ""))
        context |= {"error": error.message, "error_field": field,
                    # A wrong code keeps the code step open; a refused number goes back.
                    "sent": step == "confirm" and field == "code",
                    "masked": mask_phone(context["phone"])}
        return render(request, "web/h5/phone.html", context, status=error.status)


@require_POST
def h5_leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_PHONE, None)
    request.session.pop(SESSION_AT, None)
    return redirect("web:h5")


def county_map(county: OrgUnit | None) -> dict[str, Any]:
    units = (list(OrgUnit.objects.filter(level=Level.TOWN, parent=county)
                  .exclude(geometry=None).order_by("code")) if county else [])
    # No county base: the API behind it is for signed-in staff; the towns are the land.
    return {"units": map_geojson(units), **map_options(base=False)}


def float_or_none(value: str, *, field: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValidationFailed(_("The location could not be read. Tap the map again."),
                               field=field) from None


@require_http_methods(["GET", "POST"])
def h5_report(request: HttpRequest) -> HttpResponse:
    phone = confirmed_phone(request)
    if not phone:
        return to_phone("report")
    county = default_county()
    context: dict[str, Any] = {"county": county, "map_data": county_map(county),
                               "masked": mask_phone(phone), "values": {}, "error": "",
                               "error_field": "", "photos_max": services.PHOTOS_MAX}
    if request.method != "POST":
        return render(request, "web/h5/report.html", context)
    try:
        if county is None:
            raise ValidationFailed(_("Reporting is not open yet: no county is set up."),
                                   field="county")
        report, token = services.citizen_report_file(
            phone=phone, county=county, now=now(),
            description=text(request.POST, "description"), title=text(request.POST, "title"),
            name=text(request.POST, "name"), address=text(request.POST, "address"),
            longitude=float_or_none(text(request.POST, "longitude"), field="location"),
            latitude=float_or_none(text(request.POST, "latitude"), field="location"),
            uploads=request.FILES.getlist("photos"),
            key=text(request.POST, "idempotency_key"))
    except DomainError as error:
        context |= {"values": request.POST, "error": error.message,
                    "error_field": str(error.details.get("field", ""))}
        return render(request, "web/h5/report.html", context, status=error.status)
    return link_page(request, report, token, fresh=False)


def link_page(request: HttpRequest, report: CitizenReport, token: str, *,
              fresh: bool) -> HttpResponse:
    """The one time the tracking link is shown: it is not kept, only its hash."""
    url = request.build_absolute_uri(reverse("web:h5-track", kwargs={"token": token}))
    response = render(request, "web/h5/reported.html", {
        "report": report, "number": report.case.number, "url": url, "fresh": fresh})
    response["Cache-Control"] = "no-store"
    return response


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "web/h5/not_found.html", status=404)


def track_page(request: HttpRequest, report: CitizenReport, *, rate_url: str,
               error: str = "", status: int = 200, values: Any = None) -> HttpResponse:
    response = render(request, "web/h5/track.html", {
        "cc": selectors.citizen_case(report), "rate_url": rate_url, "error": error,
        "values": values or {}, "choices": CitizenRatingChoice.choices,
        "comment_max": services.COMMENT_MAX,
        "mine": bool(confirmed_phone(request) == report.phone)}, status=status)
    response["Cache-Control"] = "no-store"
    # The link is the key: never pass it on to another site. (Not "no-referrer": the
    # browser would then post the rating with Origin: null, which CSRF refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


def rate(request: HttpRequest, report: CitizenReport, *, back: str) -> HttpResponse:
    try:
        services.citizen_rating_add(report=report, rating=text(request.POST, "rating"),
                                    comment=text(request.POST, "comment"), now=now())
    except DomainError as error:
        return track_page(request, report, rate_url=request.path, error=error.message,
                          status=error.status, values=request.POST)
    messages.success(request, _("Thank you for your rating."))
    return redirect(back)


@require_GET
def h5_track(request: HttpRequest, token: str) -> HttpResponse:
    report = selectors.citizen_report_by_token(token)
    if report is None:
        return not_found(request)
    return track_page(request, report,
                      rate_url=reverse("web:h5-track-rate", kwargs={"token": token}))


@require_POST
def h5_track_rate(request: HttpRequest, token: str) -> HttpResponse:
    report = selectors.citizen_report_by_token(token)
    if report is None:
        return not_found(request)
    return rate(request, report, back=reverse("web:h5-track", kwargs={"token": token}))


@require_GET
def h5_mine(request: HttpRequest) -> HttpResponse:
    phone = confirmed_phone(request)
    if not phone:
        return to_phone("mine")
    reports = list(selectors.citizen_reports_of(phone))
    return render(request, "web/h5/mine.html", {"reports": reports, "masked": mask_phone(phone)})


def own_report(request: HttpRequest, report_id: int) -> CitizenReport | None:
    phone = confirmed_phone(request)
    if not phone:
        return None
    return selectors.citizen_reports_of(phone).filter(pk=report_id).first()


@require_GET
def h5_mine_case(request: HttpRequest, report_id: int) -> HttpResponse:
    if not confirmed_phone(request):
        return to_phone("mine")
    report = own_report(request, report_id)
    if report is None:
        return not_found(request)
    return track_page(request, report,
                      rate_url=reverse("web:h5-mine-rate", kwargs={"report_id": report.pk}))


@require_POST
def h5_mine_rate(request: HttpRequest, report_id: int) -> HttpResponse:
    report = own_report(request, report_id)
    if report is None:
        return to_phone("mine") if not confirmed_phone(request) else not_found(request)
    return rate(request, report,
                back=reverse("web:h5-mine-case", kwargs={"report_id": report.pk}))


@require_POST
def h5_mine_link(request: HttpRequest, report_id: int) -> HttpResponse:
    report = own_report(request, report_id)
    if report is None:
        return to_phone("mine") if not confirmed_phone(request) else not_found(request)
    token = services.citizen_link_issue(report=report, phone=report.phone, now=now())
    return link_page(request, report, token, fresh=True)
