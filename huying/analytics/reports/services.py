"""Generating and keeping reports (`ReportIssue`), on demand and on the morning schedule.

Versions, not replacement: generating a period again (on demand, or the schedule after an
issue generated before the period ended) adds version n+1 with its own files; the earlier
versions stay downloadable, the pages show the newest. The schedule is idempotent: for
each county and kind it looks at the latest finished period and generates it only when no
issue of that period was generated after the period ended, so running it twice, or at
several hours of the morning, issues each period once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics.models import ReportIssue, ReportKind
from huying.analytics.periods import period_bounds
from huying.analytics.reports.assembly import period_kind, report_assemble, report_period
from huying.analytics.reports.data import report_to_json
from huying.analytics.reports.excel import report_workbook
from huying.analytics.reports.word import report_document
from huying.cases import access
from huying.common.errors import PermissionDenied
from huying.org.models import Level, OrgUnit, User

log = logging.getLogger(__name__)
ATTEMPTS = 3  # two generations of the same period at once: the later takes the next version


def ensure_may_generate(actor: User, county: OrgUnit) -> None:
    viewer = access.viewer_of(actor, county.code)
    access.ensure_may_see_reports(viewer)
    if viewer.county is None or viewer.county.pk != county.pk:
        raise PermissionDenied(_("Reports are for the county's leaders, command centre and "
                                 "administrators."))


def _file_name(county: OrgUnit, kind: str, first: date, version: int, extension: str) -> str:
    return f"{county.code}/{kind}/{first.isoformat()}-v{version}.{extension}"


def report_issue_generate(*, county: OrgUnit, kind: str, day: date, actor: User | None,
                          now: datetime,
                          progress: Callable[[str], None] | None = None) -> ReportIssue:
    """Assemble the report of `kind` for the period containing `day` as the figures stand
    at `now`, render its workbook and document and keep them as the period's next version.
    `actor` None is the schedule; a person must be allowed to see the county's reports."""
    period_kind(kind)
    if actor is not None:
        ensure_may_generate(actor, county)
    report = report_assemble(county=county, kind=kind, day=day, now=now, progress=progress)
    if progress is not None:
        progress(_("workbook and document"))
    workbook, document = report_workbook(report), report_document(report)
    content = report_to_json(report)
    for attempt in range(1, ATTEMPTS + 1):
        stored: list[str] = []
        try:
            with transaction.atomic():
                latest = (ReportIssue.objects.filter(county=county, kind=kind,
                                                     period_start=report.first)
                          .aggregate(v=Max("version"))["v"] or 0)
                version = latest + 1
                issue = ReportIssue(
                    county=county, kind=kind, period_start=report.first,
                    period_end=report.last, version=version, number=report.number,
                    title=report.title, generated_at=now, generated_by=actor,
                    content=content)
                issue.xlsx.save(_file_name(county, kind, report.first, version, "xlsx"),
                                ContentFile(workbook), save=False)
                stored.append(issue.xlsx.name)
                issue.docx.save(_file_name(county, kind, report.first, version, "docx"),
                                ContentFile(document), save=False)
                stored.append(issue.docx.name)
                issue.save()
            return issue
        except IntegrityError:
            _forget(stored)
            if attempt == ATTEMPTS:
                raise
        except BaseException:
            _forget(stored)
            raise
    raise AssertionError("unreachable")


def _forget(names: list[str]) -> None:
    """The files of an issue that was not saved."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("reports: could not delete %s", name)


# ---------------------------------------------------------------------------------------
# the schedule


@dataclass(frozen=True)
class Due:
    county: OrgUnit
    kind: str
    day: date


def reports_due(*, now: datetime, counties: list[OrgUnit] | None = None) -> list[Due]:
    """Per active county and kind, the latest period that has ended, when no issue of it
    was generated after its end: yesterday's daily meeting report, last week's analysis,
    last month's report (`day` is the period's first day)."""
    today = timezone.localdate(now)
    if counties is None:
        counties = list(OrgUnit.objects.filter(level=Level.COUNTY, active=True).order_by("code"))
    due = []
    for kind in ReportKind.values:
        current, _last = report_period(kind, today)
        first, _last = report_period(kind, current - timedelta(days=1))
        _start, end = period_bounds(period_kind(kind), first)
        for county in counties:
            issued = ReportIssue.objects.filter(county=county, kind=kind, period_start=first,
                                                generated_at__gte=end).exists()
            if not issued:
                due.append(Due(county, kind, first))
    return due


def reports_issue_due(*, now: datetime, counties: list[OrgUnit] | None = None,
                      progress: Callable[[str], None] | None = None) -> list[ReportIssue]:
    """Generate what `reports_due` lists (the morning job). A county whose report fails is
    logged and left for the next run; the others are still issued."""
    issued = []
    for item in reports_due(now=now, counties=counties):
        try:
            issued.append(report_issue_generate(county=item.county, kind=item.kind,
                                                day=item.day, actor=None, now=now,
                                                progress=progress))
        except Exception:
            log.exception("reports: the %s report of %s for %s failed", item.kind,
                          item.county.code, item.day)
    return issued
