"""Admin pages: leader posts are maintained here; the supervision records are read-only
(they are written by the ladder and the services, and the admin must not bypass them)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from huying.supervision.models import Interview, LadderStep, LeaderPost, ListedCase, Slip


@admin.register(LeaderPost)
class LeaderPostAdmin(admin.ModelAdmin):
    list_display = ["user", "county", "kind", "title", "active"]
    list_filter = ["kind", "active"]
    autocomplete_fields = ["user", "county"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = ["case", "department", "trigger", "colour", "interviewer", "interviewee",
                    "status", "scheduled_for", "held_at"]
    list_filter = ["status", "colour", "trigger"]
    search_fields = ["case__number", "department__name"]


@admin.register(LadderStep)
class LadderStepAdmin(ReadOnlyAdmin):
    list_display = ["case", "department", "trigger", "rung", "colour", "points", "created_at"]
    list_filter = ["rung", "trigger", "colour"]
    search_fields = ["case__number", "department__name"]


@admin.register(Slip)
class SlipAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "department", "title", "status", "issued_at",
                    "deadline"]
    list_filter = ["kind", "status"]
    search_fields = ["department__name", "cases__number"]


@admin.register(ListedCase)
class ListedCaseAdmin(ReadOnlyAdmin):
    list_display = ["case", "listed_by", "listed_at", "delisted_at"]
    search_fields = ["case__number"]
