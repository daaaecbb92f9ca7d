"""`/screen/` (`web:big-screen`): the big screen (大屏) of the county's command centre — a
1920×1080 dark page for the wall whose panels poll the feeds `/api/v1/screen/…`
(`analytics/api_screen.py`) and update in place (`static/web/screen.js`).

The page itself carries only the frame: the county, the period, the feed addresses and the
base map (the county's own town polygons, so that the map needs no tile server). Who may:
`cases.access.ensure_may_see_situation` (the county's leaders, supervisors of its command
centre and administrators); anyone else 403.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huying.analytics import screen
from huying.cases import access
from huying.common.errors import NotFound, PermissionDenied, ValidationFailed
from huying.web.views.common import now

FEEDS = ("counters", "trend", "channels", "towns", "departments", "density", "hot-cases",
         "warnings")
# Seconds between two polls of a feed: the counters move most.
INTERVALS = {"counters": 10, "hot-cases": 30, "warnings": 30}
DEFAULT_INTERVAL = 30
DEPARTMENTS_SHOWN = 10


def screen_texts() -> dict[str, object]:
    """What screen.js writes itself, in the request's language."""
    return {
        "today": _("today"), "updated": _("Updated"),
        "lost": _("Connection lost, retrying"),
        "paused": _("Paused while the page is hidden"),
        "connecting": _("Connecting…"),
        "noHot": _("Nothing is overdue and no red or orange case is open."),
        "noWarnings": _("No early warning now."),
        "noReports": _("No reports in this period."),
        "noRows": _("No figures in this period."),
        "reports": _("reports"), "open": _("open"), "overdue": _("overdue"),
        "days": _("days"), "since": _("since"),
        "casesInAll": _("%(n)s cases in all"),
        "hotSummary": _("overdue now: %(overdue)s · red or orange open: %(red_orange)s"),
        "warningsSummary": _("%(n)s open"),
        "weekdays": [_("Sunday"), _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"),
                     _("Friday"), _("Saturday")],
    }


def situation_county(user, code: str | None):
    """The county whose situation the user may see (403 for anyone else): shared by the big
    screen and the leader's dashboard."""
    try:
        county = access.ensure_may_see_situation(access.viewer_of(user, code or None))
    except (PermissionDenied, NotFound) as error:
        raise Forbidden(error.message) from None
    if code and code != county.code:
        raise Forbidden(_("That county's big screen is not yours to see."))
    return county


@login_required
@require_GET
def big_screen(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("county") or None
    county = situation_county(request.user, code)
    try:
        period = screen.screen_period(request.GET.get("period") or None,
                                      timezone.localdate(now()))
    except ValidationFailed as error:
        return HttpResponseBadRequest(error.message)
    base = {"county": county.code} if code else {}
    feeds = {}
    for name in FEEDS:
        query = dict(base)
        if name in ("counters", "channels", "towns", "departments", "density"):
            query["period"] = period.code
        if name == "departments":
            query["limit"] = str(DEPARTMENTS_SHOWN)
        url = reverse(f"api:screen-{name}")
        feeds[name] = {"url": f"{url}?{urlencode(query)}" if query else url,
                       "every": INTERVALS.get(name, DEFAULT_INTERVAL)}
    periods = [(value, str(label), f"?{urlencode({**base, 'period': value})}")
               for value, label in screen.PERIOD_LABELS.items()]
    return render(request, "web/screen.html", {
        "county": county, "period": period, "periods": periods,
        "config": {"feeds": feeds, "period": period.code, "timeZone": settings.TIME_ZONE},
        "base_map": screen.county_base_map(county), "i18n": screen_texts(),
    })
