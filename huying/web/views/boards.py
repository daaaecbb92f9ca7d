"""What the boards (triage, town, volunteer) share: a case shown as one item with the
action forms the user may submit on it inline, and the one POST view that runs such a form.

An item is a `<tbody>` of the board's table; its forms post with htmx and the answer
replaces just that item: on success with a "done" line, on a refusal with the form, the
user's values and the error in place, on a conflict with the case's current state. The
actions and their fields come from `web.actions` (the case page's forms), the rules from the
services: nothing here decides who may do what.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from huying.cases.access import case_get_visible
from huying.cases.actions.run import allowed_on_case
from huying.cases.models import Case
from huying.common.errors import DomainError, NotFound, StaleVersion, TransitionNotAllowed
from huying.org.models import User
from huying.org.selectors import is_admin
from huying.web import actions
from huying.web.roles import roles_of
from huying.web.views.common import is_htmx, now

ITEM_TEMPLATE = "web/boards/_item.html"


def require_roles(user: User, roles: Iterable[str]) -> set[str]:
    """403 unless the user holds one of `roles` (administrators pass everywhere)."""
    held = roles_of(user)
    if not (held & set(roles)) and not is_admin(user):
        raise Forbidden(_("This page is not for your role."))
    return held


@dataclass
class BoardItem:
    """One case on a board with the inline forms the user may submit on it now."""

    case: Case
    forms: list[actions.ActionForm] = field(default_factory=list)
    done: str = ""
    conflict: str = ""
    note: str = ""  # a hint when nothing can be done inline (e.g. "triage it first")
    details: list[tuple[str, str]] = field(default_factory=list)  # label, text lines
    open: bool = False  # forms shown unfolded
    triage: Any = None  # the triage board's findings (web.views.triage_panel.TriagePanel)

    @property
    def dom_id(self) -> str:
        return f"item-{self.case.pk}"

    @property
    def unfolded(self) -> bool:
        return self.open or bool(self.conflict) or any(f.error for f in self.forms)


FormBuilder = Callable[[str, Case, datetime], actions.ActionForm]
ItemMaker = Callable[[User, Case, datetime], "BoardItem"]


def selected_first(form: actions.ActionForm) -> actions.ActionForm:
    """Checkbox lists show the preselected departments on top, where the eye checks them
    before dispatching in one click (the list itself scrolls)."""
    fields = []
    for f in form.fields:
        if f.kind == "checkboxes" and f.initial:
            chosen = set(f.initial)
            f = replace(f, choices=tuple(sorted(f.choices, key=lambda c: c[0] not in chosen)))
        fields.append(f)
    form.fields = fields
    return form


def default_form(action: str, case: Case, when: datetime) -> actions.ActionForm:
    return selected_first(actions.action_form(action, case, None, when))


def board_item(user: User, case: Case, board_actions: Iterable[str], when: datetime, *,
               build: FormBuilder = default_form) -> BoardItem:
    """The forms of `board_actions` the transition tables allow the user on the case now."""
    allowed = set(allowed_on_case(user, case))
    forms = [build(action, case, when) for action in board_actions if action in allowed]
    return BoardItem(case=case, forms=forms)


def back_to(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


def run_inline(request: HttpRequest, number: str, action: str, *, make_item: ItemMaker,
               build: FormBuilder, fallback: str, done_label: str,
               extra: dict[str, Any] | None = None,
               follow_up: Iterable[str] = ()) -> HttpResponse:
    """Run one inline form of a board and answer with the item (htmx) or a redirect.
    After an action of `follow_up` the case stays on the board with its next forms open
    (registered → dispatch), else the item shows only that it is done."""
    user = request.user
    case = reads_case(user, number)
    when = now()
    context = dict(extra or {})
    try:
        actions.run(request, user, case, None, when, action)
    except (StaleVersion, TransitionNotAllowed) as error:
        case = reads_case(user, number, missing_ok=True) or case
        item = make_item(user, case, now())
        item.conflict = _("This case was updated by someone else: %(detail)s") % {
            "detail": error.message}
        return _answer(request, item, context, fallback, status=409, message=item.conflict)
    except DomainError as error:
        item = make_item(user, case, when)
        form = build(action, case, when)
        form.values = actions.posted_values(request, form)
        form.error = error.message
        form.error_field = str(error.details.get("field", ""))
        forms = [form if f.action == action else f for f in item.forms]
        item.forms = forms if any(f is form for f in forms) else [*forms, form]
        return _answer(request, item, context, fallback, status=error.status,
                       message=error.message)
    fresh = reads_case(user, number, missing_ok=True) or case
    if action in follow_up:
        item = make_item(user, fresh, now())
        item.open = True
    else:
        item = BoardItem(case=fresh)
    item.done = done_label
    return _answer(request, item, context, fallback, status=200, message=done_label, ok=True)


def reads_case(user: User, number: str, *, missing_ok: bool = False) -> Case | None:
    """The case if the user sees it; 404 (or None with `missing_ok`) otherwise."""
    try:
        return case_get_visible(user, number)
    except NotFound as error:
        if missing_ok:
            return None
        raise Http404(error.message) from None


def _answer(request: HttpRequest, item: BoardItem, context: dict[str, Any], fallback: str, *,
            status: int, message: str, ok: bool = False) -> HttpResponse:
    if is_htmx(request):
        return render(request, ITEM_TEMPLATE, context | {"item": item}, status=status)
    (messages.success if ok else messages.error)(request, message)
    return redirect(back_to(request, fallback))
