"""Copy the library's schedule into the calendar table.

Written against a model class passed in, so the data migration (historical model) and the
`calendar_seed_from_library` service (real model) run the very same code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from huying.common import memo
from huying.workdays.library import library_covers, library_days

LIBRARY = "library"
ADMIN = "admin"
SEED_REASON = "chinesecalendar"


@dataclass
class SeedReport:
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_admin: int = 0
    years_seeded: list[int] = field(default_factory=list)
    years_not_covered: list[int] = field(default_factory=list)


def seed_years(model, *, years: Iterable[int], now: datetime,
               progress: Callable[[int, SeedReport], None] | None = None) -> SeedReport:
    """Make the library rows of each covered year match the library; admin rows are never
    touched, and library rows the library no longer lists are removed."""
    report = SeedReport()
    for year in sorted(set(years)):
        if not library_covers(year):
            report.years_not_covered.append(year)
            continue
        wanted = {day.date: day for day in library_days(year)}
        existing = {row.date: row for row in model.objects.filter(
            date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))}
        to_create, to_update = [], []
        for day, entry in wanted.items():
            row = existing.get(day)
            if row is None:
                to_create.append(model(date=day, is_workday=entry.is_workday, name=entry.name,
                                       source=LIBRARY, reason=SEED_REASON, updated_at=now))
            elif row.source == ADMIN:
                report.kept_admin += 1
            elif (row.is_workday, row.name) != (entry.is_workday, entry.name):
                row.is_workday, row.name, row.updated_at = entry.is_workday, entry.name, now
                to_update.append(row)
        stale = [row.pk for day, row in existing.items()
                 if row.source == LIBRARY and day not in wanted]
        model.objects.bulk_create(to_create)
        model.objects.bulk_update(to_update, ["is_workday", "name", "updated_at"])
        model.objects.filter(pk__in=stale).delete()
        report.created += len(to_create)
        report.updated += len(to_update)
        report.removed += len(stale)
        report.years_seeded.append(year)
        if to_create or to_update or stale:
            memo.forget("calendar")  # bulk writes send no post_save
        if progress:
            progress(year, report)
    return report
