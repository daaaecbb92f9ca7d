"""Admin pages for the working calendar (工作日历). Saves and deletions go through the
services, so the admin obeys the same rules and leaves the same traces as the CLI."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.common.errors import DomainError
from huying.workdays.models import CalendarDay, CalendarSource, WorkingHours
from huying.workdays.selectors import calendar_schedule_warning
from huying.workdays.services import (
    calendar_override_clear,
    calendar_override_set,
    working_hours_set,
)


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "name", "reason"]

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_(
                "Give a reason for the calendar change, e.g. the State Council notice."))
        return reason


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["date", "weekday", "is_workday", "name", "source", "reason", "updated_at",
                    "updated_by"]
    list_filter = ["source", "is_workday"]
    date_hierarchy = "date"
    search_fields = ["name", "reason", "date"]
    readonly_fields = ["source", "updated_at", "updated_by"]
    list_per_page = 100

    @admin.display(description=gettext_lazy("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.date, "l")  # localised weekday name: 星期二

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarDay | None = None):
        # A row's date is its identity: to move an entry, clear it and add another.
        return [*self.readonly_fields, "date"] if obj else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: CalendarDay | None = None):
        # Library rows come back with the next seeding; only admin entries can be cleared.
        if obj is not None and obj.source != CalendarSource.ADMIN:
            return False
        return super().has_delete_permission(request, obj)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        warning = calendar_schedule_warning(now=timezone.now(), weeks_ahead=None)
        if warning and request.method == "GET":
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form, change: bool) -> None:
        saved = calendar_override_set(actor=request.user, day=obj.date,
                                      is_workday=obj.is_workday, reason=obj.reason,
                                      name=obj.name, now=timezone.now())
        obj.pk, obj.source, obj.updated_at = saved.pk, saved.source, saved.updated_at

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_override_clear(actor=request.user, day=obj.date, now=timezone.now())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        now = timezone.now()
        for row in queryset.filter(source=CalendarSource.ADMIN):
            try:
                calendar_override_clear(actor=request.user, day=row.date, now=now)
            except DomainError as error:
                messages.error(request, error.message)


class WorkingHoursForm(forms.ModelForm):
    class Meta:
        model = WorkingHours
        fields = ["morning_start", "morning_end", "afternoon_start", "afternoon_end"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    form = WorkingHoursForm
    list_display = ["__str__", "morning_start", "morning_end", "afternoon_start",
                    "afternoon_end", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not WorkingHours.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: WorkingHours | None = None):
        return False

    def save_model(self, request: HttpRequest, obj: WorkingHours, form, change: bool) -> None:
        saved = working_hours_set(actor=request.user, morning_start=obj.morning_start,
                                  morning_end=obj.morning_end,
                                  afternoon_start=obj.afternoon_start,
                                  afternoon_end=obj.afternoon_end, now=timezone.now())
        obj.pk = saved.pk
