"""Template tags shared by every page: colour tags, status badges, countdowns, the
navigation, the notification bell, event labels and paging links.

    {% load huying_web %}
    {% colour_tag case.colour %}  {% status_badge case.status %}  {% countdown row.countdown %}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.cases import states
from huying.cases.models import AssignmentStatus, CaseLevel, CaseStatus, Rating
from huying.cases.models import channel_label as channel_name
from huying.catalog.models import Colour
from huying.notifications.selectors import unread_count
from huying.org.models import Department
from huying.supervision.models import ClockState, Metric
from huying.web.nav import nav_for
from huying.web.roles import role_labels

register = template.Library()

COLOUR_CSS = {Colour.RED: "hy-red", Colour.ORANGE: "hy-orange", Colour.YELLOW: "hy-yellow",
              Colour.BLUE: "hy-blue", Colour.GREEN: "hy-green"}

STATUS_TONE = {
    CaseStatus.REPORTED: "secondary", CaseStatus.REGISTERED: "info",
    CaseStatus.REJECTED: "dark", CaseStatus.MERGED: "dark", CaseStatus.LOCAL: "primary",
    CaseStatus.RESOLVED: "success", CaseStatus.AWAITING_APPROVAL: "warning",
    CaseStatus.TRIAGE: "warning", CaseStatus.DISPATCHED: "primary",
    CaseStatus.REPLIED: "info", CaseStatus.CLOSED: "success",
    AssignmentStatus.PENDING: "warning", AssignmentStatus.SIGNED: "primary",
    AssignmentStatus.RETURN_REQUESTED: "danger", AssignmentStatus.RETURNED: "dark",
    AssignmentStatus.REPLIED: "success", AssignmentStatus.CANCELLED: "secondary",
}

# Payload keys worth a line in the timeline, with their labels.
DETAIL_KEYS = [
    ("reason", gettext_lazy("Reason")), ("result", gettext_lazy("Result")),
    ("note", gettext_lazy("Note")), ("comment", gettext_lazy("Comment")),
    ("instructions", gettext_lazy("Instructions")), ("need", gettext_lazy("Need")),
    ("message", gettext_lazy("Refusal")), ("name", gettext_lazy("File")),
    ("into", gettext_lazy("Merged into")), ("outcome", gettext_lazy("Outcome")),
]


@register.inclusion_tag("web/_colour_tag.html")
def colour_tag(colour: str, small: bool = False) -> dict[str, Any]:
    label = str(Colour(colour).label) if colour in Colour.values else ""
    return {"colour": colour, "label": label, "css": COLOUR_CSS.get(colour, ""),
            "small": small}


@register.inclusion_tag("web/_status_badge.html")
def status_badge(status: str) -> dict[str, Any]:
    for choices in (CaseStatus, AssignmentStatus):
        if status in choices.values:
            label = str(choices(status).label)
            break
    else:
        label = status
    return {"label": label, "tone": STATUS_TONE.get(status, "secondary")}


@register.inclusion_tag("web/_countdown.html")
def countdown(value) -> dict[str, Any]:
    return {"cd": value, "what": metric_label(value.what) if value else ""}


@register.filter
def metric_label(metric: str) -> str:
    if metric == "evaluate":
        return _("Evaluation")
    return str(Metric(metric).label) if metric in Metric.values else metric


@register.filter
def clock_state_label(state: str) -> str:
    return str(ClockState(state).label) if state in ClockState.values else state


@register.filter
def working_hours(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    hours = abs(seconds) / 3600
    if seconds < 0:
        return _("%(hours).1f working hours overdue") % {"hours": hours}
    return _("%(hours).1f working hours left") % {"hours": hours}


@register.filter
def event_label(action: str) -> str:
    return states.event_title(action)


@register.filter
def event_details(payload: dict | None) -> list[tuple[str, str]]:
    if not isinstance(payload, dict):
        return []
    rows = [(str(label), str(payload[key])) for key, label in DETAIL_KEYS
            if payload.get(key) not in (None, "", [])]
    if payload.get("lead"):
        co = payload.get("co") or []
        rows.append((_("Departments"), _("lead %(lead)s, co-handling %(co)s")
                     % {"lead": department_names([payload["lead"]]),
                        "co": department_names(co) or "—"}))
    if payload.get("rating"):
        rating = payload["rating"]
        label = str(Rating(rating).label) if rating in Rating.values else rating
        rows.append((_("Rating"), f"{'★' * int(payload.get('stars') or 0)} {label}"))
    if payload.get("matter_type"):
        rows.append((_("Matter type"), str(payload["matter_type"])))
    if payload.get("to_level"):
        rows.append((_("To level"), level_label(payload["to_level"])))
    if payload.get("extra_days"):
        rows.append((_("Extra working days"), str(payload["extra_days"])))
    if payload.get("automatic"):  # registered or dispatched by smart dispatch (routing)
        rows.append((_("Decided by"), _("smart dispatch, confidence %(percent)d%%")
                     % {"percent": round(float(payload.get("confidence") or 0) * 100)}))
    return rows


def department_names(codes: list[str]) -> str:
    names = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    return "、".join(names.get(code, code) for code in codes)


@register.filter
def level_label(level: str) -> str:
    return str(CaseLevel(level).label) if level in CaseLevel.values else level


@register.filter
def channel_label(channel: str) -> str:
    return channel_name(channel)


@register.simple_tag(takes_context=True)
def nav_links(context) -> list:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    return nav_for(request.user, match.view_name if match else None)


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return unread_count(request.user)


@register.simple_tag(takes_context=True)
def user_roles(context) -> str:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return "、".join(role_labels(request.user))


@register.simple_tag
def page_url(query: str, page: int) -> str:
    """`?<query>&page=<n>` for paging links that keep the filters."""
    return f"?{query}&page={page}" if query else f"?page={page}"


@register.filter
def get_item(mapping: dict, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None
