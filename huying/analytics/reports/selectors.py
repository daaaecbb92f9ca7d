"""Reads of the kept reports."""

from __future__ import annotations

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from huying.analytics.models import ReportIssue
from huying.common.errors import NotFound
from huying.org.models import OrgUnit


def report_issues(*, county: OrgUnit, kind: str | None = None) -> QuerySet[ReportIssue]:
    """A county's issues, the newest period first, each with `newest_version`: the latest
    version of its period (an older version is superseded). The content is left unread."""
    newest = (ReportIssue.objects.filter(county=OuterRef("county"), kind=OuterRef("kind"),
                                         period_start=OuterRef("period_start"))
              .order_by().values("period_start").annotate(v=Max("version")).values("v"))
    rows = ReportIssue.objects.filter(county=county)
    if kind:
        rows = rows.filter(kind=kind)
    return (rows.defer("content").select_related("generated_by")
            .annotate(newest_version=Subquery(newest))
            .order_by("-period_start", "kind", "-version"))


def report_issue_get(*, county: OrgUnit, issue_id: int) -> ReportIssue:
    """One issue of the county (an issue of another county does not exist for its readers)."""
    issue = ReportIssue.objects.filter(county=county, pk=issue_id).first()
    if issue is None:
        raise NotFound(_("Report %(id)d was not found.") % {"id": issue_id})
    return issue
