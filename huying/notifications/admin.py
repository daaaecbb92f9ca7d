"""Admin: notifications and webhook deliveries are records to look at, not to edit."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from huying.notifications.models import Notification, WebhookDelivery


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "title", "case", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["user__username", "user__full_name", "case__number"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "case"]
    raw_id_fields = ["user", "case"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "notification", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["notification__user__username", "url", "last_error"]
    list_select_related = ["notification", "notification__user"]
    raw_id_fields = ["notification"]
