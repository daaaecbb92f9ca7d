"""Assessment pages (考核).

- `/assessment` (`web:assessment`): rankings of a day, week, half month or month —
  departments by score or by the towns' evaluations, towns, grid workers; a department's
  score opens its drill-down.
- `/assessment/departments/<code>` (`web:assessment-department`): the score by dimension and
  every deduction with its case; the department's own staff appeal a deduction here.
- `/assessment/appeals` (`web:assessment-appeals`): appeals; supervisors decide them.
- `/assessment/indicators` (`web:assessment-indicators`): the indicator table, each rate
  with its numerator and denominator.
- `/assessment/bulletin.xlsx` (`web:assessment-bulletin`): the period's bulletin in Excel.

Who sees what is `huying.cases.access`; the figures are the assessment selectors' and
the analytics indicators'.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from huying.analytics import indicators as ind
from huying.analytics.periods import PERIOD_KINDS, period_bounds, period_label
from huying.assessment import selectors as assessment_selectors
from huying.assessment.bulletins import bulletin_export, bulletin_title
from huying.assessment.models import Appeal, AppealStatus, Deduction, DeductionStatus, Dimension
from huying.assessment.selectors import department_score, ranking_for_period, towns_of
from huying.assessment.services import (
    appeal_blocked,
    appeal_decide,
    appeal_submit,
)
from huying.cases import access
from huying.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from huying.common.replica import analytics_reads_view
from huying.org.models import Department, OrgUnit
from huying.web.pagination import page_of
from huying.web.views.boards import back_to
from huying.web.views.common import now, text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The ranking tabs: (key, label, ranking kind, order).
RANKINGS = [
    ("department", gettext_lazy("Departments by score"), "department", "score"),
    ("department_evaluation", gettext_lazy("Departments by towns' evaluations"), "department",
     "town_evaluation"),
    ("town", gettext_lazy("Towns and streets"), "town", "score"),
    ("grid_worker", gettext_lazy("Grid workers"), "grid_worker", "score"),
]
TOWN_RATES = [("closure_rate", gettext_lazy("Closure rate")),
              ("on_time_closure_rate", gettext_lazy("On-time closure rate")),
              ("local_resolution_share", gettext_lazy("Share resolved locally")),
              ("call_quality_rate", gettext_lazy("Call quality"))]


def viewer(user) -> access.Viewer:
    try:
        seen = access.viewer_of(user)
        access.ensure_may_see_rankings(seen)
    except (PermissionDenied, NotFound) as error:
        raise Forbidden(error.message) from None
    return seen


def period_of(request: HttpRequest) -> tuple[str, date]:
    kind = request.GET.get("period", "month")
    kind = kind if kind in PERIOD_KINDS else "month"
    raw = request.GET.get("date", "")
    try:
        day = date.fromisoformat(raw) if raw else timezone.localdate(now())
    except ValueError:
        day = timezone.localdate(now())
    return kind, day


def period_context(request: HttpRequest, kind: str, day: date) -> dict:
    return {"period": kind, "day": day, "periods": list(PERIOD_KINDS.items()),
            "period_label": period_label(kind, day),
            "period_query": f"period={kind}&date={day.isoformat()}"}


@login_required
@require_GET
def rankings(request: HttpRequest) -> HttpResponse:
    seen = viewer(request.user)
    kind, day = period_of(request)
    start, end = period_bounds(kind, day)
    tab = request.GET.get("ranking", "department")
    entry = next((r for r in RANKINGS if r[0] == tab), RANKINGS[0])
    rows = ranking_for_period(county=seen.county, kind=entry[2], period_start=start,
                              period_end=end, by=entry[3])
    for row in rows:
        row.may_open = entry[2] == "department" and seen.may_open_department(row.subject_id)
    return render(request, "web/assessment/rankings.html", period_context(request, kind, day) | {
        "section": "rankings", "ranking": entry[0], "keep": [("ranking", entry[0])],
        "rankings": [(r[0], r[1]) for r in RANKINGS],
        "rows": rows, "county": seen.county, "county_wide": seen.county_wide,
        "town_rates": TOWN_RATES, "dimensions": _dimension_names(),
    })


def _dimension_names() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in Dimension.choices]


def _department(seen: access.Viewer, code: str) -> Department:
    department = Department.objects.filter(code=code, unit__path__startswith=seen.county.path
                                           ).select_related("unit").first()
    if department is None:
        raise Http404(_("Unknown department %(code)s.") % {"code": code})
    try:
        access.ensure_may_see_department(seen, department)
    except PermissionDenied as error:
        raise Forbidden(error.message) from None
    return department


@login_required
@require_GET
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    seen = viewer(request.user)
    department = _department(seen, code)
    kind, day = period_of(request)
    start, end = period_bounds(kind, day)
    breakdown = department_score(department=department, start=start, end=end)
    appeals: dict[int, list[Appeal]] = {}
    for appeal in Appeal.objects.filter(deduction__in=[d.pk for d in breakdown.deductions]
                                        ).order_by("submitted_at"):
        appeals.setdefault(appeal.deduction_id, []).append(appeal)
    own = department.pk in seen.department_ids
    for deduction in breakdown.deductions:
        deduction.appeal_list = appeals.get(deduction.pk, [])
        deduction.may_appeal = own and appeal_blocked(deduction, deduction.appeal_list) is None
    return render(request, "web/assessment/department.html",
                  period_context(request, kind, day) | {
                      "section": "rankings", "department": department, "breakdown": breakdown,
                      "own": own, "focus": request.GET.get("deduction", "")})


@login_required
@require_POST
def appeal_create(request: HttpRequest, deduction_id: int) -> HttpResponse:
    seen = viewer(request.user)
    deduction = Deduction.objects.select_related("department").filter(pk=deduction_id).first()
    if deduction is None:
        raise Http404(_("Deduction %(id)d was not found.") % {"id": deduction_id})
    _department(seen, deduction.department.code)
    try:
        appeal_submit(actor=request.user, deduction=deduction,
                      reason=text(request.POST, "reason"), now=now())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Appeal submitted: the command centre will decide it."))
    local = timezone.localtime(deduction.occurred_at).date()
    fallback = (f"{reverse('web:assessment-department', args=[deduction.department.code])}"
                f"?period=month&date={local.isoformat()}")
    return redirect(back_to(request, fallback))


@login_required
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    seen = viewer(request.user)
    rows = assessment_selectors.appeals_for(county=seen.county,
                               department_ids=None if seen.county_wide else seen.department_ids)
    if not seen.county_wide and not seen.department_ids:
        rows = rows.none()
    page = page_of(rows, 30, request.GET.get("page"))
    return render(request, "web/assessment/appeals.html", {
        "section": "appeals", "page": page, "items": list(page.object_list), "query": "",
        "may_decide": access.may_decide_appeals(request.user, seen.county.pk),
        "pending": AppealStatus.PENDING, "withdrawn": DeductionStatus.WITHDRAWN,
        "county_wide": seen.county_wide})


@login_required
@require_POST
def appeal_decision(request: HttpRequest, appeal_id: int) -> HttpResponse:
    seen = viewer(request.user)
    appeal = Appeal.objects.filter(pk=appeal_id, deduction__case__county=seen.county).first()
    if appeal is None:
        raise Http404(_("Appeal %(id)d was not found.") % {"id": appeal_id})
    decision = text(request.POST, "decision")
    try:
        if decision not in ("uphold", "reject"):
            raise ValidationFailed(_("Choose uphold or reject."), field="decision")
        appeal_decide(actor=request.user, appeal=appeal, uphold=decision == "uphold",
                      note=text(request.POST, "note"), now=now())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Appeal decided."))
    return redirect("web:assessment-appeals")


def indicator_scopes(seen: access.Viewer) -> list[tuple[str, ind.Scope]]:
    """The columns the viewer may see: the county and its towns for county-wide roles; a
    town's staff their town; a department's staff their department."""
    county = seen.county
    if seen.county_wide:
        return [(county.name, ind.Scope(county=county))] + [
            (town.name, ind.Scope(county=county, town=town)) for town in towns_of(county)]
    scopes = [(town.name, ind.Scope(county=county, town=town))
              for town in OrgUnit.objects.filter(pk__in=seen.town_ids).order_by("code")]
    scopes += [(d.name, ind.Scope(county=county, department=d))
               for d in Department.objects.filter(pk__in=seen.department_ids).order_by("code")]
    return scopes


@login_required
@require_GET
def indicator_table(request: HttpRequest) -> HttpResponse:
    seen = viewer(request.user)
    kind, day = period_of(request)
    start, end = period_bounds(kind, day)
    columns = [(name, ind.indicators_for(scope, start, end))
               for name, scope in indicator_scopes(seen)]
    rows = []
    for index, item in enumerate(ind.INDICATORS):
        cells = []
        for _name, values in columns:
            value = values[index].value
            cells.append(value)
        rows.append((str(item.name), str(item.definition), cells))
    return render(request, "web/assessment/indicators.html",
                  period_context(request, kind, day) | {
                      "section": "indicators", "columns": [name for name, _v in columns],
                      "rows": rows, "county_wide": seen.county_wide})


@login_required
@require_GET
@analytics_reads_view
def bulletin(request: HttpRequest) -> HttpResponse:
    seen = viewer(request.user)
    try:
        access.ensure_may_see_scope(seen, town=None, department=None)
    except PermissionDenied as error:
        raise Forbidden(error.message) from None
    kind, day = period_of(request)
    content = bulletin_export(county=seen.county, period_kind=kind, day=day)
    response = HttpResponse(content, content_type=XLSX)
    name = f"{bulletin_title(seen.county, kind, day)}.xlsx"
    response["Content-Disposition"] = (f"attachment; filename=\"bulletin-{day.isoformat()}.xlsx\"; "
                                       f"filename*=UTF-8''{quote(name)}")
    return response
