"""The matter-type suggestions shown as a report is typed (htmx partials, debounced by the
forms: `hx-trigger="input changed delay:400ms"`).

- `/report/suggest` (`web:routing-suggest`): for the field report form; chips
  "建议：路灯不亮 83%" that select the matter in the form's list. Only matters the form
  offers the user are shown (a grid worker's list is the grid admission list).
- `/h5/suggest` (`web:h5-suggest`): for the citizen's page, in the session that page
  uses (a confirmed phone); it shows matter names only — no codes, no departments, no
  confidence — as a hint, since the citizen's form has no matter field.

An empty text, a missing model or nothing to suggest renders nothing (200): typing must
never raise an error on the form.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huying.cases.access import county_of
from huying.catalog.selectors import default_county
from huying.routing.corpus import case_text
from huying.routing.selectors import (
    TEXT_MAX,
    matter_names_for_text,
    matter_suggestions,
    may_ask_for_suggestions,
)
from huying.web.views.citizen import confirmed_phone
from huying.web.views.common import text
from huying.web.views.report import matter_choices

CHIP_MIN = 0.01
# A citizen is shown only what is fairly likely: a far-fetched name would mislead.
HINT_MIN = 0.15


def typed_text(request: HttpRequest) -> str:
    return case_text(text(request.GET, "title"), text(request.GET, "description"))[:TEXT_MAX]


@login_required
@require_GET
def report_suggestions(request: HttpRequest) -> HttpResponse:
    if not may_ask_for_suggestions(request.user):
        return HttpResponseForbidden(_("Only those who may report get matter type suggestions."))
    typed = typed_text(request)
    county = county_of(request.user)
    items = []
    if typed and county is not None:
        offered = {code for code, _label in matter_choices(request.user, county)}
        found, _raw = matter_suggestions(text=typed, county=county, on=timezone.localdate())
        # A chip of 0 % would only be noise.
        items = [s for s in found if s.code in offered and s.confidence >= CHIP_MIN]
    return render(request, "web/_routing_chips.html", {"suggestions": items})


@require_GET
def h5_suggestions(request: HttpRequest) -> HttpResponse:
    if not confirmed_phone(request):
        return HttpResponseForbidden(_("Confirm your phone number first."))
    typed = typed_text(request)
    county = default_county()
    names = (matter_names_for_text(text=typed, county=county, on=timezone.localdate(),
                                   min_confidence=HINT_MIN)
             if typed and county is not None else [])
    return render(request, "web/h5/_routing_hint.html", {"names": names})
