"""Admin: the suggestions stored for new cases, the model in use, and a button that
retrains it now (in the worker; the page says when it was queued). Administrators only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huying.org.selectors import is_admin
from huying.routing import tasks
from huying.routing.models import CaseSuggestion
from huying.routing.store import model_current, model_path


@admin.register(CaseSuggestion)
class CaseSuggestionAdmin(admin.ModelAdmin):
    list_display = ["case", "top_suggestion", "stale", "model_version", "created_at"]
    list_filter = ["stale"]
    list_select_related = ["case"]
    search_fields = ["case__number"]
    readonly_fields = ["case", "suggestions", "model_version", "stale", "created_at"]
    change_list_template = "admin/routing/casesuggestion/change_list.html"

    @admin.display(description=gettext_lazy("Top suggestion"))
    def top_suggestion(self, row: CaseSuggestion) -> str:
        if not row.suggestions:
            return "—"
        top = row.suggestions[0]
        return f"{top['code']} {top['confidence']:.0%}"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("retrain/", view(require_POST(self.retrain_view)),
                     name="routing_casesuggestion_retrain"),
                *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        model = model_current()
        extra = {"routing_model": model.meta if model else None,
                 "routing_model_path": model_path(), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def retrain_view(self, request: HttpRequest) -> HttpResponseRedirect:
        if not is_admin(request.user):
            raise DjangoPermissionDenied(_("Only an administrator may retrain the routing "
                                           "model."))
        tasks.routing_train_now()
        messages.success(request, _("Retraining the routing model: the new model is used as "
                                    "soon as it is written."))
        return HttpResponseRedirect(reverse("admin:routing_casesuggestion_changelist"))
