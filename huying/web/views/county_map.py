"""`/map/` (`web:map`): the county map (一张图) — the county's polygons as the base, the cases
as clustered points coloured by colour and stage, the density of reports, filters by
period, matter, status and colour, a click through to the case.

The page is a shell: `web/county-map.js` draws it from the JSON of `/api/v1/map/…`
(`analytics/map.py` holds the rules: who sees which cases, the clusters, the density from
the rollups). Anyone with a place in a county may open it; each sees their own cases.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huying.analytics import map as county_map
from huying.cases.models import CaseStatus
from huying.catalog.models import Colour
from huying.catalog.selectors import matter_types_in_force
from huying.common.errors import PermissionDenied
from huying.web.views.common import map_options


def _labels() -> dict[str, str]:
    """The words the script writes on the map, in the reader's language."""
    return {
        "towns": _("Towns and streets"), "communities": _("Communities and villages"),
        "grids": _("Grids"), "cases": _("Cases"), "density": _("Density of reports"),
        "open_case": _("Open the case"), "cases_here": _("cases here"),
        "zoom_in": _("Zoom in to see them one by one"),
        "shown": _("%(n)s cases shown"), "clusters": _("%(n)s cases in %(k)s clusters"),
        "truncated": _("Only the newest %(n)s are shown: narrow the filters or zoom in."),
        "none": _("No case with a location matches the filters here."),
        "reports": _("reports"), "still_open": _("still open"),
        # msgids of their own: "Open", "Completed" … mean other things in other apps.
        "received": _("Reports received"), "open": _("Still in progress"),
        "done": _("Finished"), "overdue": _("Cases overdue"),
        "dispatched": _("Sent to departments"),
        "loading": _("Loading…"), "failed": _("The map data could not be loaded."),
        "no_counts": _("No figures for this town in the period."),
        "density_note": _("%(k)s cells; at most %(n)s reports in one"),
        "density_none": _("No report with a location in the period."),
        "matter": _("Matter"), "status": _("Status"), "reported": _("Reported"),
    }


@login_required
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    try:
        county = county_map.map_county(request.user)
    except PermissionDenied as error:
        raise Forbidden(error.message) from None
    today = timezone.localdate()
    first = today - timedelta(days=county_map.DEFAULT_DAYS - 1)
    rollups = county_map.map_may_read_rollups(request.user, county)
    matters = [(m.code, f"{m.name}（{m.code}）")
               for m in matter_types_in_force(county=county, on=today)]
    statuses = [("open", _("All open")), ("done", _("All finished")),
                ("withdrawn", _("Not taken on (rejected or merged)")),
                *[(value, str(label)) for value, label in CaseStatus.choices]]
    colours = [*[(value, str(label)) for value, label in Colour.choices],
               ("none", _("No colour"))]
    options = map_options()
    data = {
        **options,
        "county": county.code,
        "api": {"base": reverse("api:map-base"), "cases": reverse("api:map-cases"),
                "density": reverse("api:map-density") if rollups else None,
                "towns": reverse("api:map-towns") if rollups else None},
        "case_url": reverse("web:case", args=["NUMBER"]),
        "cluster_below_zoom": county_map.CLUSTER_BELOW_ZOOM,
        "focus": county_map.map_focus(request.user, county),
        "labels": _labels(),
        "colour_labels": dict(colours),
    }
    return render(request, "web/county_map.html", {
        "county": county, "data": data, "first": first, "last": today, "matters": matters,
        "statuses": statuses, "colours": colours, "rollups": rollups,
        "stages": [(key, str(label)) for key, label in county_map.STAGE_LABELS.items()],
    })
