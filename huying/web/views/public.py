"""Public pages (no sign-in).

- `/public/lists` (`web:public-lists`): the published lists in force — who is responsible
  for what (matter catalogue with lead and co-departments, limits and standard), the town
  duty list, the call-matter list and the grid admission list — with search.
- `/public/track` (`web:public-track`): a case's progress by its number: status and the
  public milestones only, no names, phones, addresses or reasons. Lookups are rate-limited
  per client address so that numbers cannot be walked.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huying.cases import selectors as case_selectors
from huying.catalog.models import ListKind
from huying.catalog.selectors import (
    county_by_code,
    default_county,
    items_of,
    lists_in_force,
    matter_types_of,
)
from huying.web.views.common import now

# Tracking lookups allowed per client address and window (seconds).
TRACK_LIMIT = getattr(settings, "HUYING_PUBLIC_TRACK_LIMIT", 30)
TRACK_WINDOW = getattr(settings, "HUYING_PUBLIC_TRACK_WINDOW", 600)


@require_GET
def public_lists(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("county", "").strip()
    county = county_by_code(code) if code else default_county()
    kind = request.GET.get("kind", ListKind.CATALOGUE)
    kind = kind if kind in ListKind.values else ListKind.CATALOGUE
    q = request.GET.get("q", "").strip()
    versions = lists_in_force(county=county, on=timezone.localdate(now())) if county else {}
    version = versions.get(kind)
    rows: list = []
    if version is not None and kind == ListKind.CATALOGUE:
        matters = matter_types_of(version)
        if q:
            matters = matters.filter(
                Q(code__iexact=q) | Q(name__icontains=q) | Q(domain__name__icontains=q)
                | Q(lead_department__name__icontains=q) | Q(co_departments__name__icontains=q)
                | Q(standard__icontains=q)).distinct()
        rows = list(matters)
    elif version is not None:
        items = items_of(version)
        if q:
            items = items.filter(Q(matter_code__iexact=q) | Q(title__icontains=q)
                                 | Q(note__icontains=q))
        rows = list(items)
    tabs = [(value, label, versions.get(value)) for value, label in ListKind.choices]
    return render(request, "web/public/lists.html", {
        "county": county, "kind": kind, "tabs": tabs, "version": version, "rows": rows, "q": q,
        "catalogue": kind == ListKind.CATALOGUE, "public_page": "lists"})


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_limit(request: HttpRequest) -> bool:
    """Count this lookup against the client's window; True once it is past the limit."""
    key = f"huying:public-track:{client_address(request)}"
    cache.add(key, 0, TRACK_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, TRACK_WINDOW)
        count = 1
    return count > TRACK_LIMIT


@require_GET
def public_track(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip().upper()
    context = {"number": number, "found": None, "error": "", "public_page": "track"}
    status = 200
    if number:
        if over_limit(request):
            context["error"] = _("Too many lookups from your network. Please try again in a "
                                 "few minutes.")
            status = 429
        else:
            context["found"] = case_selectors.case_public(number)
            if context["found"] is None:
                context["error"] = _("No case has the number %(number)s. Check the number on "
                                     "your receipt and try again.") % {"number": number}
                status = 404
    return render(request, "web/public/track.html", context, status=status)
