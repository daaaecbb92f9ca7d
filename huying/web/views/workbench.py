"""The workbench (`/`): the user's to-do queues as tabs, each with its count, filters,
search and paging; htmx swaps just the queue when a tab, filter or page changes. A county
leader's home is the dashboard (`views/dashboard.py`); their queues stay at `/?tab=…`,
where the dashboard's drill-down links land (filters by unit, channel, department,
overdue)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huying.cases.access import cases_visible_to, county_of
from huying.cases.models import CaseStatus, channel_label
from huying.catalog.models import Colour
from huying.catalog.selectors import matter_types_in_force
from huying.org.models import GRID_ROLES, Department, OrgUnit, Role
from huying.web.pagination import page_of
from huying.web.queues import ASSIGNMENT, QueueFilters, countdowns, queue_rows, queues_for
from huying.web.roles import places_label, role_labels, roles_of
from huying.web.views import dashboard
from huying.web.views.common import is_htmx, now

PAGE_SIZE = 20
REPORTER_ROLES = GRID_ROLES | {Role.INITIATOR, Role.SUPERVISOR}


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    user = request.user
    if Role.LEADER in roles_of(user) and "tab" not in request.GET and not is_htmx(request):
        county = dashboard.dashboard_county(user)
        if county is not None:  # the leader's home is the dashboard; queues at ?tab=
            return dashboard.leader_dashboard(request, county)
    when = now()
    queues = queues_for(user)
    selected = next((q for q in queues if q.key == request.GET.get("tab")),
                    queues[0] if queues else None)
    filters = QueueFilters.from_query(request.GET)
    context = {"queues": queues, "queue": selected, "filters": filters,
               "drill_down": drill_down_labels(filters, request.GET),
               "roles": role_labels(user), "places": places_label(user)}
    if selected is not None:
        rows = filters.apply(queue_rows(selected, user), selected.kind, now=when)
        page = page_of(rows, PAGE_SIZE, request.GET.get("page"))
        items = list(page.object_list)
        countdowns(items, selected.kind, now=when)
        query = request.GET.copy()
        query.pop("page", None)
        context |= {"page": page, "items": items, "assignment_rows": selected.kind == ASSIGNMENT,
                    "query": query.urlencode()}
    if is_htmx(request) and request.headers.get("HX-Target") == "queue":
        return render(request, "web/_queue.html", context)
    county = county_of(user)
    matters = (matter_types_in_force(county=county, on=timezone.localdate(when))
               .select_related(None).prefetch_related(None).values_list("code", "name")
               if county else [])
    context |= {
        "counts": {q.key: q.fetch(user).count() for q in queues},
        "status_choices": CaseStatus.choices,
        "colour_choices": Colour.choices,
        "matter_choices": list(matters),
        "may_report": bool(roles_of(user) & REPORTER_ROLES),
        "overview": overview(user) if not queues else None,
    }
    return render(request, "web/workbench.html", context)


def drill_down_labels(filters: QueueFilters, params) -> list[tuple[str, str]]:
    """The dashboard's drill-down filters in force, each named and with the address of the
    same list without it (three small reads at most)."""
    labels = []
    for name, value in filters.drill_down().items():
        if name == "unit":
            found = OrgUnit.objects.filter(code=value).values_list("name", flat=True).first()
            label = found or value
        elif name == "channel":
            label = channel_label(value)
        elif name == "department":
            found = Department.objects.filter(code=value).values_list(
                "short_name", "name").first()
            label = (found[0] or found[1]) if found else value
        else:
            label = str(_("Overdue now"))
        rest = params.copy()
        rest.pop(name, None)
        rest.pop("page", None)
        labels.append((label, f"?{rest.urlencode()}"))
    return labels


def overview(user) -> list[tuple[str, str, int]]:
    """Cases the user sees, counted by status (the leader's overview)."""
    counts = dict(cases_visible_to(user).order_by().values("status")
                  .annotate(n=Count("pk")).values_list("status", "n"))
    return [(value, str(label), counts.get(value, 0)) for value, label in CaseStatus.choices]
