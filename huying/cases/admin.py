"""Admin pages for the channel registry (渠道): channels are added and switched on or off
here; the intake records are read-only (they are the idempotency keys of source systems)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from huying.cases.models import Channel, ChannelKey, IntakeRecord


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "hotline_number", "active", "must_answer_back",
                    "default_matter_code"]
    list_filter = ["kind", "active", "must_answer_back"]
    search_fields = ["code", "name", "hotline_number"]

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        # An endpoint typed without a scheme is taken as https (Django 6's default).
        if db_field.name == "outbound_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Cases store the code: renaming it would orphan them. Rename the name instead.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A channel cases came through stays; switch it off (`active`) instead.
        return False


@admin.register(ChannelKey)
class ChannelKeyAdmin(admin.ModelAdmin):
    """Keys are issued with `huying channel key` (the token is shown once); here they are
    looked at, and revoked through their API token."""

    list_display = ["channel", "source_system", "token", "created_at"]
    list_filter = ["channel"]
    list_select_related = ["channel", "token"]
    readonly_fields = ["channel", "token", "source_system", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(IntakeRecord)
class IntakeRecordAdmin(admin.ModelAdmin):
    list_display = ["received_at", "channel", "source_system", "external_id", "case"]
    list_filter = ["channel"]
    search_fields = ["external_id", "source_system", "case__number"]
    list_select_related = ["case"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
