"""Report pages (日碰头、周研判、月报告).

- `/reports/` (`web:reports`): the county's kept reports, newest period first, with the
  form that generates one now; filter `?kind=daily|weekly|monthly`.
- `POST /reports/generate` (`web:report-generate`): generate now (kind, a day in the
  period); a refused form is the list again with the message (422).
- `/reports/<id>/` (`web:report-issue`): the printable page (A4) of one issue.
- `/reports/<id>/<xlsx|docx>` (`web:report-download`): its workbook or document.

Who may: `cases.access.ensure_may_see_reports` (the county's leaders, command centre and
administrators; anyone else 403, another county's issue 404).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huying.analytics.models import ReportIssue, ReportKind
from huying.analytics.reports.data import Section, ordinal, report_from_json
from huying.analytics.reports.selectors import report_issue_get, report_issues
from huying.analytics.reports.services import report_issue_generate
from huying.cases import access
from huying.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from huying.common.replica import analytics_reads
from huying.supervision.documents import chinese_date
from huying.web.views.common import now, text

PAGE_SIZE = 30
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _viewer(user) -> access.Viewer:
    try:
        seen = access.viewer_of(user)
        access.ensure_may_see_reports(seen)
    except (PermissionDenied, NotFound) as error:
        raise Forbidden(error.message) from None
    return seen


def _kind_filter(request: HttpRequest) -> str:
    kind = request.GET.get("kind", "")
    if kind and kind not in ReportKind.values:
        raise ValidationFailed(_("Unknown report %(kind)s: use daily, weekly or monthly.")
                               % {"kind": kind}, field="kind")
    return kind


def _list(request: HttpRequest, seen: access.Viewer, *, kind: str = "",
          error: DomainError | None = None) -> HttpResponse:
    page = Paginator(report_issues(county=seen.county, kind=kind or None),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    yesterday = timezone.localdate(now()) - timedelta(days=1)
    posted = request.POST if error is not None else {}
    return render(request, "web/reports/list.html", {
        "county": seen.county, "page": page, "items": list(page.object_list),
        "kinds": ReportKind.choices, "kind": kind,
        "query": f"kind={kind}" if kind else "",
        "form_kind": posted.get("kind", ReportKind.DAILY),
        "form_date": posted.get("date", yesterday.isoformat()),
        "today": timezone.localdate(now()).isoformat(),
        "form_error": error.message if error is not None else "",
        "form_error_field": str(error.details.get("field", "")) if error is not None else "",
    }, status=error.status if error is not None else 200)


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    seen = _viewer(request.user)
    try:
        kind = _kind_filter(request)
    except ValidationFailed as error:
        return _list(request, seen, error=error)
    return _list(request, seen, kind=kind)


def _day(raw: str) -> date:
    if not raw:
        raise ValidationFailed(_("Choose a day in the period."), field="date")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw},
                               field="date") from None


@login_required
@require_POST
def report_generate(request: HttpRequest) -> HttpResponse:
    seen = _viewer(request.user)
    try:
        # The figures from the replica; the issue is written (and its version read, in the
        # transaction) on the primary, where the page it redirects to reads it.
        with analytics_reads():
            issue = report_issue_generate(county=seen.county, kind=text(request.POST, "kind"),
                                          day=_day(text(request.POST, "date")),
                                          actor=request.user, now=now())
    except DomainError as error:
        return _list(request, seen, error=error)
    messages.success(request, _("%(title)s generated (version %(version)d).")
                     % {"title": issue.title, "version": issue.version})
    return redirect("web:report-issue", issue_id=issue.pk)


def _issue(request: HttpRequest, issue_id: int) -> ReportIssue:
    seen = _viewer(request.user)
    try:
        return report_issue_get(county=seen.county, issue_id=issue_id)
    except NotFound as error:
        raise Http404(error.message) from None


@login_required
@require_GET
def report_issue(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = _issue(request, issue_id)
    report = report_from_json(issue.content)
    newest = (ReportIssue.objects.filter(county_id=issue.county_id, kind=issue.kind,
                                         period_start=issue.period_start)
              .order_by("-version").values_list("pk", "version").first())
    return render(request, "web/reports/issue.html", {
        "issue": issue, "report": report, "newest": newest, "headlines": report.headlines,
        "numbered": [(ordinal(index), section, _cells(section))
                     for index, section in enumerate(report.sections, start=2)],
        "signed_date": chinese_date(report.generated_at), "list_url": reverse("web:reports")})


NUMERIC = re.compile(r"^(—|[+\-↑↓]?[\d,]+(\.\d+)?%?( 个百分点)?)$")


def _cells(section: Section) -> list[list[tuple[object, str]]]:
    """Each cell with its class: long text wraps, numbers (and "14.00", "↑12.0%") align
    right."""
    def css(index: int, value: object) -> str:
        if index == section.wrap:
            return "hy-report-text"
        numeric = isinstance(value, int | float) or (
            isinstance(value, str) and NUMERIC.match(value) is not None)
        return "hy-num" if numeric else ""

    return [[(value, css(index, value)) for index, value in enumerate(row)]
            for row in section.rows]


@login_required
@require_GET
def report_download(request: HttpRequest, issue_id: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(_("Reports are kept as xlsx and docx."))
    issue = _issue(request, issue_id)
    stored = issue.xlsx if fmt == "xlsx" else issue.docx
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("The file of this report is missing: generate it again.")) from None
    name = _("%(title)s, version %(version)d") % {"title": issue.title,
                                                   "version": issue.version}
    response = FileResponse(handle, content_type=FORMATS[fmt])
    response["Content-Disposition"] = (
        f"attachment; filename=\"report-{issue.pk}-v{issue.version}.{fmt}\"; "
        f"filename*=UTF-8''{quote(f'{name}.{fmt}')}")
    return response
