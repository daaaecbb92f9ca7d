"""The command centre's boards.

- `/centre/triage` (`web:triage-board`): new reports and approved calls waiting for the
  centre; each can be dispatched in one step (the matter type's lead and co-departments
  preselected) or sent back to the town with a reason, inline.
- `/centre/supervision` (`web:supervision`): breaches, warnings, interviews (schedule one
  inline with htmx, record one),
  slips (issue one, download any as .docx, reply, close), listed supervision and the
  look-back list. Department staff see their own departments' part.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
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

from huying.cases import access
from huying.cases.actions.choices import choices_memo
from huying.cases.models import Case
from huying.cases.selectors import departments_of_county, queue_to_triage
from huying.catalog.models import Colour
from huying.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from huying.gazetteer.selectors import cases_to_locate
from huying.org.models import Department, OrgUnit, Role, User
from huying.org.selectors import with_units
from huying.supervision import access as sva
from huying.supervision import interviews as iv
from huying.supervision import selectors as svs
from huying.supervision import services as sv
from huying.supervision import slips as sl
from huying.supervision.documents import slip_document, slip_filename
from huying.supervision.lookback import lookback_cases
from huying.supervision.models import (
    Interview,
    InterviewStatus,
    Slip,
    SlipKind,
    SlipStatus,
    Stage,
)
from huying.web.actions import ActionForm
from huying.web.pagination import page_of
from huying.web.queues import CASE, QueueFilters
from huying.web.views.boards import BoardItem, board_item, default_form, require_roles, run_inline
from huying.web.views.common import is_htmx, now, text
from huying.web.views.triage_panel import TriagePanel, triage_panels
from huying.workdays.selectors import work_calendar

PAGE_SIZE = 20
TRIAGE_ACTIONS = ("register", "dispatch", "send_back")
SUPERVISORS = frozenset({Role.SUPERVISOR})

# ---------------------------------------------------------------------------------------
# the triage board

SOURCES = {"": gettext_lazy("All"), "called": gettext_lazy("Called up by towns"),
           "new": gettext_lazy("New reports"), "unlocated": gettext_lazy("To be located")}


def triage_item(user: User, case: Case, when: datetime,
                panel: TriagePanel | None = None) -> BoardItem:
    item = board_item(user, case, TRIAGE_ACTIONS, when)
    if case.called_by_id and case.status_reason:
        item.details.append((_("Why the county is needed"), case.status_reason))
    if panel is None:
        panel = triage_panels([case], on=timezone.localdate(when))[case.pk]
    item.triage = panel
    if panel.top_matter and case.matter_type_id is None:
        # The model's first suggestion comes preselected; the chips change it in one click.
        item.forms = [_matter_preselected(f, panel.top_matter) if f.action == "register"
                      else f for f in item.forms]
    if case.matter_type_id is None:
        # Dispatch needs a matter type: the report is registered first, here or on the
        # case page.
        item.forms = [f for f in item.forms if f.action != "dispatch"]
        if not item.forms:
            item.note = _("Register it and choose its matter type on the case page first.")
    return item


def _matter_preselected(form: ActionForm, code: str) -> ActionForm:
    if form.values.get("matter"):
        return form  # what the user posted stays
    form.fields = [replace(f, initial=code) if f.name == "matter" and not f.initial else f
                   for f in form.fields]
    return form


def _source(rows, source: str):
    if source == "called":
        return rows.filter(called_by__isnull=False)
    if source == "new":
        return rows.filter(called_by__isnull=True)
    if source == "unlocated":
        # 待定位: neither a point nor the words of the report placed it in a grid.
        return cases_to_locate(rows)
    return rows


@login_required
@require_GET
def triage_board(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_roles(user, SUPERVISORS)
    when = now()
    source = request.GET.get("source", "")
    source = source if source in SOURCES else ""
    filters = QueueFilters.from_query(request.GET)
    base = queue_to_triage(user)
    rows = with_units(filters.apply(_source(base, source), CASE),
                      "matter_type__lead_department", "county", "town", "grid",
                      "community").prefetch_related("matter_type__co_departments")
    page = page_of(rows, PAGE_SIZE, request.GET.get("page"))
    cases = list(page.object_list)
    panels = triage_panels(cases, on=timezone.localdate(when))
    with choices_memo():
        items = [triage_item(user, case, when, panels[case.pk]) for case in cases]
    if items:
        items[0].open = True  # the oldest urgent case comes unfolded: one click dispatches it
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/centre/triage.html", {
        "items": items, "page": page, "query": query.urlencode(), "filters": filters,
        "source": source,
        "sources": [(key, label, _source(base, key).count()) for key, label in SOURCES.items()],
        "colour_choices": Colour.choices, "act_url": "web:triage-act",
    })


TRIAGE_DONE = {"register": gettext_lazy("Registered."),
               "dispatch": gettext_lazy("Dispatched."),
               "send_back": gettext_lazy("Sent back to the town.")}


@login_required
@require_POST
def triage_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    require_roles(request.user, SUPERVISORS)
    if action not in TRIAGE_ACTIONS:
        raise Http404(_("Unknown action."))
    return run_inline(request, number, action, make_item=triage_item,
                      build=default_form, fallback=reverse("web:triage-board"),
                      done_label=str(TRIAGE_DONE[action]),
                      extra={"act_url": "web:triage-act"}, follow_up=("register",))


# ---------------------------------------------------------------------------------------
# the supervision board

TABS = [("breaches", gettext_lazy("Overdue")), ("warnings", gettext_lazy("Warnings")),
        ("interviews", gettext_lazy("Interviews")), ("slips", gettext_lazy("Slips")),
        ("listed", gettext_lazy("Listed supervision")),
        ("lookback", gettext_lazy("Look-back review"))]
OVERSEER_TABS = {"listed", "lookback"}


def _county(user: User) -> OrgUnit:
    try:
        return sva.board_county(user, first_if_several=True)
    except PermissionDenied as error:
        raise Forbidden(error.message) from None


def _scope(user: User, county: OrgUnit) -> list[int] | None:
    try:
        return sva.board_scope(user, county)
    except PermissionDenied as error:
        raise Forbidden(error.message) from None


def _clock_rows(rows, when: datetime) -> list:
    calendar = work_calendar()
    rows = list(rows)
    for clock in rows:
        clock.left = calendar.working_seconds_between(when, clock.due_at)
    return rows


def supervision_context(request: HttpRequest, *, tab: str | None = None,
                        **extra) -> dict:
    user = request.user
    when = now()
    county = _county(user)
    scope = _scope(user, county)
    tabs = [(key, label) for key, label in TABS if scope is None or key not in OVERSEER_TABS]
    tab = tab or request.GET.get("tab") or "breaches"
    if tab not in dict(tabs):
        tab = "breaches"
    supervisor = sv.may_supervise(user, county)
    context = {"tabs": tabs, "tab": tab, "county": county, "scoped": scope is not None,
               "supervisor": supervisor, "now": when,
               "summary": svs.board_summary(county=county, now=when, department_ids=scope)}
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    rows = None
    if tab == "breaches":
        rows = svs.board_breaches(county_id=county.pk, department_ids=scope)
    elif tab == "warnings":
        rows = svs.board_warnings(county_id=county.pk, department_ids=scope)
    elif tab == "interviews":
        status = status if status in InterviewStatus.values or status == "all" else (
            InterviewStatus.SCHEDULED)
        rows = svs.interviews_list(county_id=county.pk, department_ids=scope,
                                   status=None if status == "all" else status)
        context["interview_statuses"] = InterviewStatus.choices
    elif tab == "slips":
        rows = svs.slips_list(county_id=county.pk, department_ids=scope,
                              kind=kind if kind in SlipKind.values else None,
                              status=status if status in SlipStatus.values else None
                              ).prefetch_related("cases")
        context |= {"slip_kinds": SlipKind.choices, "slip_statuses": SlipStatus.choices,
                    "departments": _departments(county),
                    "mine": set(sv.departments_of(user))}
    elif tab == "listed":
        rows = svs.listed_cases(county_id=county.pk).select_related("case__town")
    elif tab == "lookback":
        days = request.GET.get("days", "30")
        days_value = int(days) if days.isdigit() and 1 <= int(days) <= 1000 else 30
        rows = lookback_cases(county=county, now=when, older_than_working_days=days_value)
        context["days"] = days_value
    page = page_of(rows, PAGE_SIZE, request.GET.get("page"))
    items = list(page.object_list)
    if tab in ("breaches", "warnings"):
        items = _clock_rows(items, when)
    if tab == "interviews":
        for interview in items:
            _interview_row(user, interview)
    if tab == "slips":
        for slip in items:
            slip.form_id = f"slip-{slip.pk}"
    query = request.GET.copy()
    query.pop("page", None)
    context |= {"page": page, "items": items, "query": query.urlencode(), "status": status,
                "kind": kind, "stage_labels": dict(Stage.choices)}
    return context | extra


def _interview_row(user: User, interview: Interview) -> Interview:
    """What the interview's `<tbody>` (web/centre/_interview.html) needs besides the row."""
    interview.may_record = iv.may_conduct(user, interview)
    interview.form_id = f"interview-{interview.pk}"
    interview.schedule_id = f"schedule-{interview.pk}"
    return interview


def _departments(county: OrgUnit) -> list[tuple[str, str]]:
    return list(departments_of_county(county).values_list("code", "name"))


@login_required
@require_GET
def supervision_board(request: HttpRequest) -> HttpResponse:
    return render(request, "web/centre/supervision.html", supervision_context(request))


def _board_url(tab: str) -> str:
    return f"{reverse('web:supervision')}?tab={tab}"


def _visible_interview(user: User, interview_id: int) -> Interview:
    try:
        return sva.interview_visible(user, interview_id)
    except NotFound as error:
        raise Http404(error.message) from None


def _visible_slip(user: User, slip_id: int) -> Slip:
    try:
        return sva.slip_visible(user, slip_id)
    except NotFound as error:
        raise Http404(error.message) from None


def _visible_case(user: User, county: OrgUnit, number: str, *,
                  field: str | None = None) -> Case:
    try:
        return access.case_in_county_visible(user, county=county, number=number, field=field)
    except NotFound as error:
        raise Http404(error.message) from None


def _refused(request: HttpRequest, tab: str, error: DomainError, **extra) -> HttpResponse:
    """A refused form: the board again with the message, the form keeping its values."""
    context = supervision_context(request, tab=tab, form_error=error.message,
                                  form_error_field=str(error.details.get("field", "")),
                                  posted=request.POST, **extra)
    return render(request, "web/centre/supervision.html", context, status=error.status)


@login_required
@require_POST
def interview_record(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview = _visible_interview(request.user, interview_id)
    try:
        iv.interview_record(actor=request.user, interview=interview,
                            notes=text(request.POST, "notes"),
                            rectification=text(request.POST, "rectification"), now=now())
    except DomainError as error:
        return _refused(request, "interviews", error, form_for=f"interview-{interview.pk}")
    messages.success(request, _("Interview recorded."))
    return redirect(_board_url("interviews"))


def _interview_time(raw: str) -> datetime:
    """The `datetime-local` value, read on the county's wall clock (TIME_ZONE,
    Asia/Shanghai): the browser sends it without a zone."""
    if not raw:
        raise ValidationFailed(_("Choose the date and time of the interview."),
                               field="scheduled_for")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(_("Interview times are written like 2026-03-02 09:30."),
                               field="scheduled_for") from None
    if value.tzinfo is None:
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


@login_required
@require_POST
def interview_schedule(request: HttpRequest, interview_id: int) -> HttpResponse:
    """Fix the interview's time. With htmx the answer is the interview's `<tbody>`: a done
    line, or the form with the error in place (403/422); otherwise the board again."""
    user = request.user
    interview = _visible_interview(user, interview_id)
    form_for = f"schedule-{interview.pk}"
    try:
        when = _interview_time(text(request.POST, "scheduled_for"))
        interview = iv.interview_schedule(actor=user, interview=interview, scheduled_for=when,
                                          now=now())
    except DomainError as error:
        if not is_htmx(request):
            return _refused(request, "interviews", error, form_for=form_for)
        fresh = _visible_interview(user, interview.pk)
        return render(request, "web/centre/_interview.html", {
            "interview": _interview_row(user, fresh), "form_for": form_for,
            "form_error": error.message, "form_error_field": str(error.details.get("field", "")),
            "posted": request.POST}, status=error.status)
    done = _("Interview scheduled for %(time)s.") % {
        "time": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")}
    if not is_htmx(request):
        messages.success(request, done)
        return redirect(_board_url("interviews"))
    return render(request, "web/centre/_interview.html", {
        "interview": _interview_row(user, _visible_interview(user, interview.pk)),
        "done": done})


def _case_numbers(raw: str) -> list[str]:
    return [n.strip().upper() for n in raw.replace("，", ",").replace("、", ",")
            .replace("\n", ",").replace(" ", ",").split(",") if n.strip()]


def _deadline(raw: str) -> datetime | None:
    if not raw:
        return None
    try:
        day = datetime.fromisoformat(raw).date()
    except ValueError:
        raise ValidationFailed(_("Dates are written like 2026-03-02."),
                               field="deadline") from None
    # The end of the chosen day's working hours (configurable): the department has all of it.
    return work_calendar().end_of_working_day(day)


@login_required
@require_POST
def slip_issue(request: HttpRequest) -> HttpResponse:
    user = request.user
    county = _county(user)
    try:
        code = text(request.POST, "department")
        if not code:
            raise ValidationFailed(_("Choose the department."), field="department")
        department = Department.objects.filter(code=code, unit=county).first()
        if department is None:
            raise ValidationFailed(_("Unknown department %(code)s.") % {"code": code},
                                   field="department")
        cases = [_visible_case(user, county, number, field="cases")
                 for number in _case_numbers(text(request.POST, "cases"))]
        slip = sl.slip_issue_supervision(actor=user, department=department, cases=cases,
                                         reason=text(request.POST, "reason"),
                                         deadline=_deadline(text(request.POST, "deadline")),
                                         now=now())
    except DomainError as error:
        return _refused(request, "slips", error, form_for="slip-issue")
    messages.success(request, _("Slip %(number)s issued.") % {"number": slip.number})
    return redirect(_board_url("slips"))


@login_required
@require_GET
def slip_download(request: HttpRequest, slip_id: int) -> HttpResponse:
    slip = _visible_slip(request.user, slip_id)
    response = HttpResponse(
        slip_document(slip),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = (f"attachment; filename=\"slip-{slip.pk}.docx\"; "
                                       f"filename*=UTF-8''{quote(slip_filename(slip))}")
    return response


@login_required
@require_POST
def slip_reply(request: HttpRequest, slip_id: int) -> HttpResponse:
    slip = _visible_slip(request.user, slip_id)
    try:
        sl.slip_reply(actor=request.user, slip=slip, reply=text(request.POST, "reply"),
                      now=now())
    except DomainError as error:
        return _refused(request, "slips", error, form_for=f"slip-{slip.pk}")
    messages.success(request, _("Reply sent."))
    return redirect(_board_url("slips"))


@login_required
@require_POST
def slip_close(request: HttpRequest, slip_id: int) -> HttpResponse:
    slip = _visible_slip(request.user, slip_id)
    try:
        sl.slip_close(actor=request.user, slip=slip, now=now())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Slip %(number)s closed.") % {"number": slip.number})
    return redirect(_board_url("slips"))


@login_required
@require_POST
def listed_add(request: HttpRequest) -> HttpResponse:
    county = _county(request.user)
    number = text(request.POST, "case").upper()
    try:
        case = _visible_case(request.user, county, number, field="case")
        sv.case_list_for_supervision(actor=request.user, case=case,
                                     reason=text(request.POST, "reason"), now=now())
    except DomainError as error:
        return _refused(request, "listed", error, form_for="listed-add")
    messages.success(request, _("Case %(number)s is under listed supervision.")
                     % {"number": number})
    return redirect(_board_url("listed"))


@login_required
@require_POST
def listed_remove(request: HttpRequest, number: str) -> HttpResponse:
    county = _county(request.user)
    case = _visible_case(request.user, county, number)
    try:
        sv.case_delist(actor=request.user, case=case, note=text(request.POST, "note"),
                       now=now())
    except DomainError as error:
        return _refused(request, "listed", error, form_for=f"delist-{number}")
    messages.success(request, _("Case %(number)s delisted.") % {"number": number})
    return redirect(_board_url("listed"))
