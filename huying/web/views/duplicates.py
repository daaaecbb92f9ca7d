"""The two POSTs of a duplicate suggestion on the triage board: merge the report into the
earlier case in one click, or dismiss the suggestion (不是重复).

With htmx the answer is the suggestion's partial (`web/centre/_duplicate.html`, given a
`CandidateView`): the done line, or the error in place with the refusal's status (403 not
yours, 404 not visible, 409 already decided or past merging, 422 refused); without htmx a
message and the board again.
What the board shows for each case comes from `duplicates.selectors.open_candidates_for`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huying.common.errors import DomainError, NotFound
from huying.duplicates import selectors, services
from huying.duplicates.models import DuplicateCandidate
from huying.web.views.boards import back_to
from huying.web.views.common import is_htmx, now

TEMPLATE = "web/centre/_duplicate.html"
Decide = Callable[..., DuplicateCandidate]


def _decide(request: HttpRequest, candidate_id: int, decide: Decide, done: str
            ) -> HttpResponse:
    user = request.user
    try:
        candidate = selectors.candidate_get_visible(user, candidate_id)
    except NotFound as error:
        raise Http404(error.message) from None
    context = {"candidate": selectors.candidate_view(candidate)}
    try:
        candidate = decide(candidate=candidate, actor=user, now=now())
    except DomainError as error:
        if not is_htmx(request):
            messages.error(request, error.message)
            return redirect(back_to(request, reverse("web:triage-board")))
        return render(request, TEMPLATE, context | {"error": error.message},
                      status=error.status)
    text = done % {"case": candidate.case.number, "master": candidate.master.number}
    if not is_htmx(request):
        messages.success(request, text)
        return redirect(back_to(request, reverse("web:triage-board")))
    return render(request, TEMPLATE, {"candidate": selectors.candidate_view(candidate),
                                      "done": text})


@login_required
@require_POST
def duplicate_merge(request: HttpRequest, candidate_id: int) -> HttpResponse:
    return _decide(request, candidate_id, services.duplicate_merge,
                   _("%(case)s merged into %(master)s: it follows that case's outcome."))


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, candidate_id: int) -> HttpResponse:
    return _decide(request, candidate_id, services.duplicate_dismiss,
                   _("Noted: %(case)s is not a repeat of %(master)s."))
