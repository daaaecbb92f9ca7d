"""Admin pages for the assessment: schemes are edited here (weights and points live in the
database); the ledger is read-only; appeals are decided through the service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.assessment.models import Appeal, AppealStatus, Deduction, Scheme
from huying.assessment.services import appeal_decide
from huying.common.errors import DomainError


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_default", "total_points"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "is_default", "total_points"]}),
        (gettext_lazy("Three dimensions"), {"fields": [
            "signing_points", "handling_points", "satisfaction_points", "sign_breach_points",
            "respond_breach_points", "complete_breach_points", "basically_satisfied_points",
            "unsatisfied_points"]}),
        (gettext_lazy("Colour weights"), {"fields": [
            "weight_red", "weight_orange", "weight_yellow", "weight_blue", "weight_green"]}),
        (gettext_lazy("Response, resolution and satisfaction rates"), {"fields": [
            "weight_response", "weight_resolution", "weight_satisfaction"]}),
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Deduction)
class DeductionAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "department", "case", "rule", "dimension", "colour",
                    "points", "status"]
    list_filter = ["status", "dimension", "colour", "department"]
    search_fields = ["case__number", "source_key"]
    list_select_related = ["department", "case"]
    date_hierarchy = "occurred_at"


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["submitted_at", "department", "deduction", "status", "decided_by",
                    "decided_at"]
    list_filter = ["status", "department"]
    list_select_related = ["department", "deduction", "decided_by"]
    actions = ["uphold"]

    @admin.action(description=gettext_lazy("Uphold the selected appeals (withdraw the "
                                           "deductions)"))
    def uphold(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> None:
        done = 0
        for appeal in queryset.filter(status=AppealStatus.PENDING):
            try:
                appeal_decide(actor=request.user, appeal=appeal, uphold=True, note="",
                              now=timezone.now())
                done += 1
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
        self.message_user(request, _("%(n)d appeals upheld.") % {"n": done}, messages.SUCCESS)
