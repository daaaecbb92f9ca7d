"""`/centre/warnings` (`web:warnings`): the county's early warnings (预警) — what, where, how
far above normal, since when, and the cases each concerns — with acknowledge and close.

For the county's command centre, its leaders and administrators (others: 403 on the list,
404 on a warning). The rules are in `analytics/warnings.py`; this view parses and renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huying.analytics.models_warnings import EarlyWarning, WarningState
from huying.analytics.warnings import (
    warning_acknowledge,
    warning_cases,
    warning_close,
    warning_visible,
    warnings_county_for,
    warnings_live,
)
from huying.common.errors import DomainError, NotFound, PermissionDenied
from huying.supervision import access as sva
from huying.web.views.common import now, text

CLOSED_SHOWN = 50
ACTIONS = {"acknowledge": warning_acknowledge, "close": warning_close}


@login_required
@require_GET
def warning_list(request: HttpRequest) -> HttpResponse:
    closed = request.GET.get("state") == "closed"
    try:
        county = warnings_county_for(request.user,
                                     sva.board_county(request.user, first_if_several=True))
    except PermissionDenied as error:
        raise Forbidden(error.message) from None
    if closed:
        warnings = list(EarlyWarning.objects.filter(county=county, state=WarningState.CLOSED)
                        .select_related("closed_by").order_by("-closed_at", "-pk")
                        [:CLOSED_SHOWN])
    else:
        warnings = warnings_live(county)
    cases = warning_cases(warnings)
    return render(request, "web/centre/warnings.html", {
        "county": county, "closed": closed,
        "items": [(w, cases.get(w.pk, [])) for w in warnings],
    })


@login_required
@require_POST
def warning_act(request: HttpRequest, warning_id: int, action: str) -> HttpResponse:
    perform = ACTIONS.get(action)
    if perform is None:
        raise Http404(_("No such action."))
    try:
        warning = warning_visible(request.user, warning_id)
    except NotFound as error:
        raise Http404(error.message) from None
    try:
        perform(warning=warning, actor=request.user, now=now(),
                note=text(request.POST, "note"))
    except PermissionDenied as error:
        raise Forbidden(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        done = (_("Acknowledged: %(title)s") if action == "acknowledge"
                else _("Closed: %(title)s"))
        messages.success(request, done % {"title": warning.title})
    return redirect(reverse("web:warnings"))
