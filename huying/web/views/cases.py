"""The case page (`/cases/<number>`) and its action forms (`/cases/<number>/act/<action>`).

An htmx action answers with the re-rendered case body on success, with the one form and its
error in place on a refusal (422/403), and with the whole body under a "changed meanwhile"
banner on a conflict (409). Without htmx the same outcomes are a redirect or a full page.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huying.cases import reads
from huying.cases.access import case_get_visible, reporter_for
from huying.cases.actions.base import REGISTRY
from huying.cases.models import Assignment, Case
from huying.common.errors import DomainError, NotFound, StaleVersion, TransitionNotAllowed
from huying.web import actions
from huying.web.queues import case_countdown
from huying.web.views.common import is_htmx, map_options, now

BODY_TEMPLATE = "web/_case_body.html"


def visible_case(user, number: str) -> Case:
    try:
        return case_get_visible(user, number)
    except NotFound as error:
        raise Http404(error.message) from None


def case_context(user, case: Case, when: datetime, *,
                 replace: actions.ActionForm | None = None) -> dict[str, Any]:
    """Everything the case body shows. `replace` is a form to show instead of the fresh one
    of the same action (the refused form, with the user's values and the error)."""
    assignments = list(reads.case_assignments(case))
    clocks = reads.case_clocks(case, now=when)
    for assignment in assignments:
        assignment.clock_views = [c for c in clocks if c.assignment_id == assignment.pk]
    current = [a for a in assignments if a.cycle == case.cycle]
    forms = actions.forms_for(user, case, current, when)
    if replace is not None:
        targets = (forms.by_assignment.get(replace.assignment.pk, [])
                   if replace.assignment is not None else forms.case_forms)
        for index, form in enumerate(targets):
            if form.action == replace.action:
                targets[index] = replace
                break
        else:
            targets.append(replace)
    for assignment in current:
        assignment.forms = forms.by_assignment.get(assignment.pk, [])
    cycles = [(cycle, list(rows)) for cycle, rows in
              groupby(sorted(assignments, key=lambda a: -a.cycle), key=lambda a: a.cycle)]
    attachments = list(reads.case_attachments(case))
    geometry = None
    for unit in (case.grid, case.unit, case.community, case.town):
        if unit is not None and unit.geometry:
            geometry = unit.geometry
            break
    return {
        "case": case,
        "reporter": reporter_for(user, case),
        "cycles": cycles,
        "current_assignments": current,
        "clocks": clocks,
        "events": list(reads.case_events(case)),
        "photos": [a for a in attachments if a.content_type.startswith("image/")],
        "documents": [a for a in attachments if not a.content_type.startswith("image/")],
        "evaluations": list(case.evaluations.select_related("evaluated_by").order_by("cycle")),
        "rallies": list(case.rally_calls.select_related("team").all()),
        "forms": forms,
        "countdown": case_countdown(case, now=when),
        "map_data": {"lon": case.longitude, "lat": case.latitude, "geometry": geometry,
                     **map_options()},
        "now": when,
    }


@login_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = visible_case(request.user, number)
    return render(request, "web/case.html", case_context(request.user, case, now()))


def _assignment_of(request: HttpRequest, case: Case, action: str) -> Assignment | None:
    raw = (request.POST.get("assignment") or "").strip()
    if not raw:
        if actions.takes_assignment(action):
            raise Http404(_("No assignment named."))
        return None
    if not raw.isdigit():
        raise Http404(_("No assignment named."))
    try:
        assignment = reads.assignment_get_visible(request.user, int(raw))
    except NotFound as error:
        raise Http404(error.message) from None
    if assignment.case_id != case.pk:
        raise Http404(_("No assignment named."))
    return assignment


def _body(request: HttpRequest, case: Case, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = case_context(request.user, case, now()) | extra
    response = render(request, BODY_TEMPLATE, context, status=status)
    response["HX-Retarget"] = "#case-body"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_POST
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    if not actions.is_page_action(action):
        raise Http404(_("Unknown action."))
    user = request.user
    case = visible_case(user, number)
    assignment = _assignment_of(request, case, action)
    label = str(REGISTRY[action].label)
    try:
        actions.run(request, user, case, assignment, now(), action)
    except (StaleVersion, TransitionNotAllowed) as error:
        case = visible_case(user, number)
        conflict = _("This case was updated by someone else; here is its current state.")
        if is_htmx(request):
            return _body(request, case, status=409, conflict=conflict,
                         conflict_detail=error.message)
        context = case_context(user, case, now()) | {"conflict": conflict,
                                                     "conflict_detail": error.message}
        return render(request, "web/case.html", context, status=409)
    except DomainError as error:
        case = visible_case(user, number)
        if assignment is not None:
            assignment = Assignment.objects.select_related("department").get(pk=assignment.pk)
        form = actions.action_form(action, case, assignment, now(), user)
        form.values = actions.posted_values(request, form)
        form.error = error.message
        form.error_field = str(error.details.get("field", ""))
        if is_htmx(request):
            return render(request, "web/_action_form.html", {"form": form, "case": case},
                          status=error.status)
        context = case_context(user, case, now(), replace=form)
        return render(request, "web/case.html", context, status=error.status)
    done = _("Done: %(action)s.") % {"action": label}
    try:
        case = visible_case(user, number)
    except Http404:
        # The action took the case out of the user's sight: back to the workbench.
        messages.success(request, done)
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("web:workbench")
            return response
        return redirect("web:workbench")
    if is_htmx(request):
        return _body(request, case, done=done)
    messages.success(request, done)
    return redirect("web:case", number=case.number)
