"""Working calendar tables (DESIGN.md "Time and SLAs").

`CalendarDay` holds only the days whose status differs from — or is named beyond — the plain
"Monday to Friday work, Saturday and Sunday rest" rule: statutory holidays (法定节假日) and
weekend make-up workdays (调休上班). Every other date follows that rule, so years the
`chinesecalendar` library does not cover still work, by the rule plus admin entries.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_MORNING_START = time(8, 30)
DEFAULT_MORNING_END = time(12, 0)
DEFAULT_AFTERNOON_START = time(13, 30)
DEFAULT_AFTERNOON_END = time(17, 30)


class CalendarSource(models.TextChoices):
    LIBRARY = "library", _("Calendar library")
    ADMIN = "admin", _("Administrator")


class CalendarDay(models.Model):
    """One date whose working status is recorded explicitly.

    Lookup: an admin row wins (it replaces the library row of the same date), then a library
    row, then the weekday rule. Seeding never overwrites an admin row.
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"))
    name = models.CharField(_("name"), max_length=50, blank=True,
                            help_text=_("e.g. 国庆节, 春节（调休上班）"))
    source = models.CharField(_("source"), max_length=16, choices=CalendarSource.choices,
                              default=CalendarSource.ADMIN)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        indexes = [models.Index(fields=["source", "date"])]

    def __str__(self) -> str:
        status = _("working day") if self.is_workday else _("rest day")
        return f"{self.date.isoformat()} {self.name or ''} {status}".replace("  ", " ")


def working_hours_problem(morning_start: time, morning_end: time,
                          afternoon_start: time, afternoon_end: time) -> str | None:
    """The reason the four times do not make a working day, or None when they do."""
    if not morning_start < morning_end <= afternoon_start < afternoon_end:
        return str(_(
            "Working hours must satisfy morning start < morning end <= afternoon start < afternoon end."  # noqa: E501
        ))
    return None


class WorkingHours(models.Model):
    """The working periods of every working day (a single row, pk=1): a morning and an
    afternoon period with the lunch break between them, which never counts as working time."""

    SINGLETON_PK = 1

    morning_start = models.TimeField(_("morning start"), default=DEFAULT_MORNING_START)
    morning_end = models.TimeField(_("morning end"), default=DEFAULT_MORNING_END)
    afternoon_start = models.TimeField(_("afternoon start"), default=DEFAULT_AFTERNOON_START)
    afternoon_end = models.TimeField(_("afternoon end"), default=DEFAULT_AFTERNOON_END)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return (f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
                f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}")

    def clean(self) -> None:
        problem = working_hours_problem(self.morning_start, self.morning_end,
                                        self.afternoon_start, self.afternoon_end)
        if problem:
            raise ValidationError(problem)

    def periods(self) -> tuple[tuple[time, time], tuple[time, time]]:
        return ((self.morning_start, self.morning_end),
                (self.afternoon_start, self.afternoon_end))
