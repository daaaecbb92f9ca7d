"""`GET /api/v1/routing/suggest?text=…`: the likely matter types of a report as it is
typed, for anyone who may report (grid staff, town initiators, the centre) and
administrators. The county is the user's; only its catalogue in force is suggested.

Without a model the answer is 200 with `available: false` and no suggestions: the form
works as before, the user picks the matter type by hand.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from huying.cases.access import county_of
from huying.common.errors import PermissionDenied, ValidationFailed
from huying.org.auth import api_auth
from huying.routing.selectors import TEXT_MAX, matter_suggestions, may_ask_for_suggestions

router = Router(tags=["智能派单"], auth=api_auth)


class SuggestionOut(Schema):
    code: str
    name: str
    confidence: float
    lead_department: str
    co_departments: list[str]


class SuggestOut(Schema):
    available: bool
    stale: bool
    model_version: str
    suggestions: list[SuggestionOut]


def suggest_text(text: str | None) -> str:
    """The text to classify, or a 422 when it is empty or too long."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Type the report's text to get suggestions."), field="text")
    if len(text) > TEXT_MAX:
        raise ValidationFailed(_("The text is longer than %(n)d characters.") % {"n": TEXT_MAX},
                               field="text")
    return text


@router.get("/suggest", response=SuggestOut, summary="Likely matter types of a report text")
def suggest(request: HttpRequest, text: str = "") -> SuggestOut:
    if not may_ask_for_suggestions(request.user):
        raise PermissionDenied(_("Only those who may report get matter type suggestions."))
    text = suggest_text(text)
    county = county_of(request.user)
    if county is None:
        raise ValidationFailed(_("Your account belongs to no county."), field="county")
    items, found = matter_suggestions(text=text, county=county, on=timezone.localdate())
    return SuggestOut(
        available=found is not None, stale=bool(found and found.stale),
        model_version=found.model_version if found else "",
        suggestions=[SuggestionOut(code=s.code, name=s.name, confidence=s.confidence,
                                   lead_department=s.lead, co_departments=s.co)
                     for s in items])
