"""Admin: notifications, webhook deliveries and source updates are records to look at, not
to edit; source updates may be sent again (replayed) by an administrator."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huying.common.errors import DomainError
from huying.notifications.models import Notification, SourceUpdate, WebhookDelivery
from huying.notifications.sources import source_updates_replay
from huying.org.selectors import is_admin


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


@admin.register(SourceUpdate)
class SourceUpdateAdmin(ReadOnlyAdmin):
    """The log of what each source system was told (回复来源系统), and the replay."""

    list_display = ["id", "created_at", "channel", "source_system", "external_id",
                    "case_number", "case_status", "status", "attempts", "next_attempt_at",
                    "sent_at", "replays"]
    list_filter = ["channel", "status", "case_status"]
    search_fields = ["=case_number", "=external_id", "source_system", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["channel"]
    actions = ["replay"]
    fields = ["channel", "channel_endpoint", "channel_answers_back", "channel_secret_set",
              "source_system", "external_id", "case_number", "case_status", "event",
              "payload", "created_at", "status", "attempts", "url", "last_error",
              "next_attempt_at", "sent_at", "replays", "replayed_at", "replayed_by"]
    readonly_fields = ["channel_endpoint", "channel_answers_back", "channel_secret_set"]
    raw_id_fields = ["event", "replayed_by"]

    @admin.display(description=_("channel's outbound endpoint"))
    def channel_endpoint(self, obj: SourceUpdate) -> str:
        return obj.channel.outbound_url or gettext("(none: pull only)")

    @admin.display(description=_("channel answers back"), boolean=True)
    def channel_answers_back(self, obj: SourceUpdate) -> bool:
        return obj.channel.must_answer_back

    @admin.display(description=_("signing secret set"), boolean=True)
    def channel_secret_set(self, obj: SourceUpdate) -> bool:
        # Whether there is one, never the secret itself.
        return bool(obj.channel.outbound_secret)

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    @admin.action(description=_("Send the chosen updates again"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[SourceUpdate]) -> None:
        try:
            ids = source_updates_replay(actor=request.user, updates=queryset,
                                        now=timezone.now())
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, gettext("%(count)d updates queued to be sent again.")
                          % {"count": len(ids)}, messages.SUCCESS)
