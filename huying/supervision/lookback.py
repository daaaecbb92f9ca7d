"""Look-back review (回头看): long-unresolved matters for accountability — open cases
dispatched more than N working days ago, and cases reopened at least twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from huying.cases.models import Case, Rating
from huying.cases.states import OPEN_AT_COUNTY
from huying.org.models import OrgUnit
from huying.workdays.selectors import work_calendar

REOPENED_AT_LEAST = 2


def working_days_before(now: datetime, days: int) -> datetime:
    """The start of the working day `days` working days before the day of `now`."""
    calendar = work_calendar()
    day = calendar.local(now).date()
    counted = 0
    while counted < days:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return calendar.next_working_instant(datetime.combine(day, datetime.min.time(),
                                                          tzinfo=calendar.tz))


def lookback_cases(*, county: OrgUnit, now: datetime,
                   older_than_working_days: int = 30) -> QuerySet[Case]:
    """Cases for the look-back list, oldest dispatch first, each with `reopen_count`."""
    cutoff = working_days_before(now, older_than_working_days)
    return (Case.objects.filter(county=county)
            .annotate(reopen_count=Count("evaluations",
                                         filter=Q(evaluations__rating=Rating.UNSATISFIED)))
            .filter(Q(status__in=OPEN_AT_COUNTY, dispatched_at__lt=cutoff)
                    | Q(reopen_count__gte=REOPENED_AT_LEAST))
            .select_related("matter_type", "town")
            .order_by("dispatched_at", "pk"))
