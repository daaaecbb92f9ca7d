"""The notification centre (`/notifications`): the user's own notices, newest first, and
marking them read (one, by opening it, or all at once)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from huying.common.errors import NotFound
from huying.notifications.selectors import notification_get_for, notifications_for
from huying.notifications.services import notification_mark_read, notifications_mark_all_read
from huying.web.pagination import page_of
from huying.web.views.common import now

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = notifications_for(request.user, unread_only=unread_only)
    page = page_of(rows, PAGE_SIZE, request.GET.get("page"))
    return render(request, "web/notifications.html",
                  {"page": page, "items": list(page.object_list), "unread_only": unread_only,
                   "query": "unread=1" if unread_only else ""})


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notice read and go where it points: its link, its case, or back."""
    try:
        notification = notification_get_for(request.user, notification_id)
    except NotFound as error:
        raise Http404(error.message) from None
    notification_mark_read(actor=request.user, notification=notification, now=now())
    if notification.case_id:
        target = reverse("web:case", kwargs={"number": notification.case.number})
    elif notification.link and url_has_allowed_host_and_scheme(
            notification.link, allowed_hosts={request.get_host()}):
        target = notification.link
    else:
        target = reverse("web:notifications")
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(actor=request.user, now=now())
    return redirect("web:notifications")
