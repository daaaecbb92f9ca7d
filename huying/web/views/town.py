"""The town's pages.

- `/town` (`web:town`): the reviewer approves or denies the town's calls; the initiator
  evaluates replies (unsatisfied reopens the case, to the same departments or to others
  chosen here) and sounds rally calls to volunteer teams.
- `/volunteer` (`web:volunteer`): a volunteer's open rally calls (claim one for the team),
  the team's claimed calls (complete one naming the participants, who earn the credit
  points) and the volunteer's credit balance, the sum of the ledger.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from huying.cases import reads, states
from huying.cases import selectors as case_selectors
from huying.cases.actions.base import REGISTRY
from huying.cases.actions.parse import form_data
from huying.cases.actions.run import perform
from huying.cases.models import Case, RallyCall
from huying.cases.selectors import (
    cases_visible_to,
    queue_to_approve,
    queue_to_evaluate,
    rally_calls_open_to,
)
from huying.common.errors import DomainError, NotFound, ValidationFailed
from huying.org.models import Role, User
from huying.org.selectors import is_admin, with_units
from huying.web.nav import NAV, NavItem
from huying.web.pagination import page_of
from huying.web.views.boards import (
    BoardItem,
    board_item,
    default_form,
    require_roles,
    run_inline,
)
from huying.web.views.common import now, text

PAGE_SIZE = 20
NAV.append(NavItem(gettext_lazy("Rally calls"), "web:volunteer", "bi-people",
                   frozenset({Role.VOLUNTEER})))
TOWN_ROLES = frozenset({Role.INITIATOR, Role.TOWN_REVIEWER})
APPROVE_ACTIONS = ("call_approve", "call_deny")
EVALUATE_ACTIONS = ("evaluate",)

TOWN_ACTIONS = (*APPROVE_ACTIONS, *EVALUATE_ACTIONS)
TOWN_DONE = {"call_approve": gettext_lazy("Approved: the call goes to the command centre."),
             "call_deny": gettext_lazy("Denied: the case stays with the town."),
             "evaluate": gettext_lazy("Evaluation recorded.")}


def town_item(user: User, case: Case, when: datetime) -> BoardItem:
    item = board_item(user, case, TOWN_ACTIONS, when)
    if case.status_reason and case.status == "awaiting_approval":
        item.details.append((_("Why the county is needed"), case.status_reason))
    for assignment in case.assignments.filter(cycle=case.cycle).select_related("department"):
        if assignment.result:
            item.details.append((_("%(department)s replied") % {
                "department": assignment.department.name}, assignment.result))
    return item


# ---------------------------------------------------------------------------------------
# the town page

TABS = [("approve", gettext_lazy("Calls to approve"), Role.TOWN_REVIEWER),
        ("evaluate", gettext_lazy("Replies to evaluate"), Role.INITIATOR),
        ("rally", gettext_lazy("Rally calls"), Role.INITIATOR)]


def _rally_cases(user: User):
    """The user's cases a rally call may be sounded for (the transition table's states)."""
    return (cases_visible_to(user).filter(status__in=states.CASE["rally"].sources,
                                          town__isnull=False)
            .order_by("-reported_at").only("number", "title")[:200])


@login_required
@require_GET
def town_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    held = require_roles(user, TOWN_ROLES)
    admin = is_admin(user)
    tabs = [(key, label) for key, label, role in TABS if role in held or admin]
    tab = request.GET.get("tab") or tabs[0][0]
    if tab not in dict(tabs):
        tab = tabs[0][0]
    when = now()
    counts = {"approve": queue_to_approve(user).count(),
              "evaluate": queue_to_evaluate(user).count()}
    context = {"tabs": tabs, "tab": tab, "counts": counts, "act_url": "web:town-act",
               "towns": case_selectors.towns_of(user)}
    if tab in ("approve", "evaluate"):
        rows = (queue_to_approve(user) if tab == "approve" else queue_to_evaluate(user))
        rows = with_units(rows, "matter_type", "town", "grid")
        page = page_of(rows, PAGE_SIZE, request.GET.get("page"))
        items = [town_item(user, case, when) for case in page.object_list]
        if items:
            items[0].open = True
        context |= {"page": page, "items": items, "query": f"tab={tab}"}
    else:
        rallies = case_selectors.rally_calls_of_towns(context["towns"])
        page = page_of(rallies, PAGE_SIZE, request.GET.get("page"))
        context |= {"page": page, "rallies": list(page.object_list), "query": "tab=rally",
                    "rally_cases": list(_rally_cases(user)),
                    "posted": request.session.pop("rally_posted", None)}
    return render(request, "web/town/town.html", context)


@login_required
@require_POST
def town_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    require_roles(request.user, TOWN_ROLES)
    if action not in TOWN_ACTIONS:
        raise Http404(_("Unknown action."))
    tab = "approve" if action in APPROVE_ACTIONS else "evaluate"
    return run_inline(request, number, action, make_item=town_item, build=default_form,
                      fallback=f"{reverse('web:town')}?tab={tab}",
                      done_label=str(TOWN_DONE[action]), extra={"act_url": "web:town-act"})


@login_required
@require_POST
def rally_sound(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_roles(user, TOWN_ROLES)
    number = text(request.POST, "case").upper()
    try:
        case = cases_visible_to(user).filter(number=number).first()
        if case is None:
            raise ValidationFailed(_("Choose the case the volunteers are needed for."),
                                   field="case")
        action = REGISTRY["rally"]
        perform(action, actor=user, now=now(), case=case, data=form_data(action, request.POST))
    except DomainError as error:
        messages.error(request, error.message)
        request.session["rally_posted"] = {k: request.POST.get(k, "")
                                           for k in ("case", "need", "points")}
    else:
        messages.success(request, _("Rally call sounded for %(number)s.") % {"number": number})
    return redirect(f"{reverse('web:town')}?tab=rally")


# ---------------------------------------------------------------------------------------
# volunteers


@login_required
@require_GET
def volunteer_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    teams = case_selectors.teams_of(user)
    open_calls = list(rally_calls_open_to(user).select_related("case", "town")
                      .order_by("-created_at")[:100])
    claimed = list(case_selectors.rally_calls_claimed_by_teams(teams)[:100])
    for rally in claimed:
        rally.members = case_selectors.team_members(rally.team)
    return render(request, "web/town/volunteer.html", {
        "teams": teams, "open_calls": open_calls, "claimed": claimed,
        "balance": case_selectors.credit_balance(user),
        "entries": list(case_selectors.credit_entries(user)[:50]),
    })


def _rally(user: User, rally_id: int) -> RallyCall:
    try:
        return reads.rally_get_visible(user, rally_id)
    except NotFound as error:
        raise Http404(error.message) from None


@login_required
@require_POST
def rally_claim(request: HttpRequest, rally_id: int) -> HttpResponse:
    user = request.user
    rally = _rally(user, rally_id)
    teams = {t.pk: t for t in case_selectors.teams_of(user)}
    raw = text(request.POST, "team")
    team = teams.get(int(raw)) if raw.isdigit() else (
        next(iter(teams.values())) if len(teams) == 1 else None)
    try:
        if team is None:
            raise ValidationFailed(_("Choose your team."), field="team")
        perform(REGISTRY["claim"], actor=user, now=now(), rally=rally, data={"team": team.pk})
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Claimed for %(team)s.") % {"team": team.name})
    return redirect("web:volunteer")


@login_required
@require_POST
def rally_complete(request: HttpRequest, rally_id: int) -> HttpResponse:
    user = request.user
    rally = _rally(user, rally_id)
    action = REGISTRY["complete"]
    try:
        done = perform(action, actor=user, now=now(), rally=rally,
                       data=form_data(action, request.POST))
        participants = done.credits.count()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Completed: %(n)d volunteers earn %(points)d points each.")
                         % {"n": participants, "points": rally.points})
    return redirect("web:volunteer")
