"""The field report form (`/report`), made for a grid worker's phone.

The browser generates an idempotency key once per form (crypto.randomUUID) and sends it as
the case's external reference: `case_report` is idempotent per (channel, external reference),
so a submit retried after a lost answer lands on the same case. The report, its registration
(matter type) and its photos are one transaction: a refusal leaves nothing behind and the
same key can be sent again.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.access import county_of
from huying.cases.actions.base import REGISTRY
from huying.cases.actions.parse import form_data
from huying.cases.actions.run import perform
from huying.cases.models import Channel
from huying.catalog.selectors import matter_types_for_grid_admission, matter_types_in_force
from huying.common.errors import DomainError, ValidationFailed
from huying.org.models import Level, OrgUnit, Role, User
from huying.web.roles import grids_of, is_grid_staff, roles_of
from huying.web.views.common import is_htmx, map_options, now, text

MAP_UNITS_MAX = 400


def channel_choices(user: User) -> list[tuple[str, str]]:
    """The channels a report on this page may be filed under. Grid staff and town
    initiators file under their own (网格通, 镇街上报); the command centre takes calls and
    letters from every other active channel, 12345 first."""
    if is_grid_staff(user) or Role.INITIATOR in roles_of(user):
        return []
    channels = (Channel.objects.filter(active=True)
                .exclude(code__in=[Channel.GRID, Channel.TOWN]).values_list("code", "name"))
    return sorted(channels, key=lambda c: (c[0] != Channel.HOTLINE_12345, c[0]))


def channel_for(user: User, posted: str = "") -> str:
    if is_grid_staff(user):
        return Channel.GRID
    if Role.INITIATOR in roles_of(user):
        return Channel.TOWN
    choices = dict(channel_choices(user))
    if posted:
        if posted not in choices:
            raise ValidationFailed(_("Choose a channel of the list."), field="channel")
        return posted
    return Channel.HOTLINE_12345 if Channel.HOTLINE_12345 in choices else Channel.WEB


def matter_choices(user: User, county: OrgUnit | None) -> list[tuple[str, str]]:
    """A grid worker picks from the grid admission list in force; others from the whole
    catalogue in force."""
    if county is None:
        return []
    today = timezone.localdate(now())
    matters = (matter_types_for_grid_admission(county=county, on=today) if is_grid_staff(user)
               else matter_types_in_force(county=county, on=today))
    return [(m.code, f"{m.name}（{m.code}）") for m in matters]


def map_units(user: User, county: OrgUnit | None) -> list[OrgUnit]:
    """The polygons the report map draws: a grid worker's own grids; an initiator's grids;
    otherwise the county's towns."""
    own = grids_of(user)
    if is_grid_staff(user):
        return [u for u in own if u.geometry]
    if own:
        units = OrgUnit.objects.none()
        for unit in own:
            units |= OrgUnit.objects.filter(level=Level.GRID, path__startswith=unit.path)
        return list(units.exclude(geometry=None).order_by("code")[:MAP_UNITS_MAX])
    if county is None:
        return []
    return list(OrgUnit.objects.filter(level=Level.TOWN, parent=county)
                .exclude(geometry=None).order_by("code"))


def map_geojson(units: list[OrgUnit]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": u.geometry, "properties": {"name": u.name,
                                                                    "code": u.code}}
        for u in units]}


@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = request.user
    county = county_of(user)
    choices = matter_choices(user, county)
    context: dict[str, Any] = {
        "matter_choices": choices, "grid_worker": is_grid_staff(user),
        "channel_choices": channel_choices(user),
        "map_data": {"units": map_geojson(map_units(user, county)),
                     **map_options(base=county is not None)},
        "values": {}, "error": "", "error_field": "",
    }
    if request.method != "POST":
        return render(request, "web/report.html", context)
    try:
        number = report_submit(request, user, county)
    except DomainError as error:
        context |= {"values": request.POST, "error": error.message,
                    "error_field": str(error.details.get("field", ""))}
        template = "web/_report_error.html" if is_htmx(request) else "web/report.html"
        return render(request, template, context, status=error.status)
    url = reverse("web:case", kwargs={"number": number})
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def report_submit(request: HttpRequest, user: User, county: OrgUnit | None) -> str:
    """Report, register and attach the photos in one transaction (the registry's `report`
    action, as `POST /api/v1/cases` takes it); returns the case number."""
    if county is None:
        raise ValidationFailed(_("Your account belongs to no county."), field="county")
    if not text(request.POST, "matter"):
        # This form files a classified report; unclassified ones come by the hotline.
        raise ValidationFailed(_("Choose the matter type."), field="matter")
    action = REGISTRY["report"]
    data = form_data(action, request.POST) | {
        "county": county.code, "channel": channel_for(user, text(request.POST, "channel")),
        "external_ref": text(request.POST, "idempotency_key")[:64] or uuid.uuid4().hex}
    done = perform(action, actor=user, now=now(), data=data,
                   files=request.FILES.getlist(action.files))
    return done.case.number
