"""Reads of duplicate finding: the earlier cases a report may repeat (the window query) and
the open candidates the triage board and the API show, each in a bounded number of queries.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from huying.cases.access import cases_visible_to
from huying.cases.models import Case, CaseStatus, channel_label
from huying.cases.states import CASE, OPEN_CASE
from huying.common.errors import NotFound
from huying.duplicates.models import CandidateStatus, DuplicateCandidate
from huying.duplicates.scoring import Limits, Side
from huying.org.models import User

# How many earlier cases one report is compared with at most (the newest first): a street
# corner rarely has more in three days, and the cost of a report must not grow with the
# county.
SCAN_LIMIT = 200
# The states a report can still be merged from (states.py).
MERGE_SOURCES = CASE["merge"].sources
METRES_PER_DEGREE = 111_320.0


def limits() -> Limits:
    return Limits(radius_m=settings.HUYING_DUPLICATE_RADIUS_M,
                  window_hours=settings.HUYING_DUPLICATE_WINDOW_HOURS)


def bounding_box(longitude: float, latitude: float, radius_m: float
                 ) -> tuple[float, float, float, float]:
    """(west, east, south, north) of the square around a point that holds its circle."""
    d_lat = radius_m / METRES_PER_DEGREE
    d_lon = radius_m / (METRES_PER_DEGREE * max(0.01, math.cos(math.radians(latitude))))
    return longitude - d_lon, longitude + d_lon, latitude - d_lat, latitude + d_lat


def earlier_cases_near(case: Case, *, now: datetime, within: Limits | None = None
                       ) -> QuerySet[Case]:
    """The county's cases a report may repeat: reported within the window of it, near it
    (inside the radius's bounding box, or in its grid when a side has no point), open or
    closed within the window, never rejected or merged. Newest first, at most
    `SCAN_LIMIT`. Without a point and a grid, only cases of the same matter type."""
    within = within or limits()
    window = timedelta(hours=within.window_hours)
    rows = (Case.objects.filter(county_id=case.county_id,
                                reported_at__gte=case.reported_at - window,
                                reported_at__lte=case.reported_at + window)
            .exclude(pk=case.pk)
            .filter(Q(status__in=OPEN_CASE) | Q(closed_at__gte=now - window))
            .exclude(status__in=(CaseStatus.REJECTED, CaseStatus.MERGED)))
    if case.longitude is not None and case.latitude is not None:
        west, east, south, north = bounding_box(case.longitude, case.latitude,
                                                within.radius_m)
        place = Q(longitude__gte=west, longitude__lte=east, latitude__gte=south,
                  latitude__lte=north)
        if case.grid_id is not None:
            place |= Q(longitude__isnull=True, grid_id=case.grid_id)
    elif case.grid_id is not None:
        place = Q(grid_id=case.grid_id)
    elif case.community_id is not None:
        place = Q(community_id=case.community_id)
    elif case.matter_type_id is not None:
        place = Q(matter_type__code=case.matter_type.code)
    else:
        return Case.objects.none()
    return (rows.filter(place).select_related("matter_type")
            .order_by("-reported_at", "-pk")[:SCAN_LIMIT])


def side_of(case: Case) -> Side:
    """A case as the scorer reads it (its matter type loaded with it)."""
    matter = case.matter_type
    return Side(text=f"{case.title}\n{case.description}", channel=case.channel,
                channel_name=channel_label(case.channel), reported_at=case.reported_at,
                longitude=case.longitude, latitude=case.latitude,
                matter=matter.code if matter else None, matter_name=matter.name if matter else "",
                grid=str(case.grid_id) if case.grid_id else None,
                community=str(case.community_id) if case.community_id else None)


# ---------------------------------------------------------------------------------------
# what the board and the API show


@dataclass(frozen=True)
class MasterSummary:
    number: str
    title: str
    channel: str
    reported_at: datetime
    status: str
    status_label: str
    address: str
    unit: str
    matter: str


@dataclass(frozen=True)
class CandidateView:
    id: int
    case_number: str
    score: float
    reasons: list[str]
    distance_m: float | None
    automatic: bool
    status: str
    master: MasterSummary


def candidate_view(candidate: DuplicateCandidate) -> CandidateView:
    master = candidate.master
    return CandidateView(
        id=candidate.pk, case_number=candidate.case.number, score=candidate.score,
        reasons=candidate.reasons_text, distance_m=candidate.distance_m,
        automatic=candidate.automatic, status=candidate.status,
        master=MasterSummary(
            number=master.number, title=master.title, channel=channel_label(master.channel),
            reported_at=master.reported_at, status=master.status,
            status_label=master.get_status_display(), address=master.address,
            unit=master.unit.name if master.unit else "",
            matter=master.matter_type.name if master.matter_type else ""))


def _candidates() -> QuerySet[DuplicateCandidate]:
    return DuplicateCandidate.objects.select_related(
        "case", "master__unit", "master__matter_type")


def open_candidates_for(case_ids: Iterable[int]) -> dict[int, list[CandidateView]]:
    """For the triage board: the open candidates of each case still waiting to be merged,
    best first, with their earlier case's summary. One query whatever the number of cases
    (channel names come from the per-process cache)."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = (_candidates().filter(case_id__in=ids, status=CandidateStatus.OPEN,
                                 case__status__in=MERGE_SOURCES)
            .exclude(master__status__in=(CaseStatus.REJECTED, CaseStatus.MERGED))
            .order_by("case_id", "-score", "pk"))
    found: dict[int, list[CandidateView]] = {}
    for candidate in rows:
        found.setdefault(candidate.case_id, []).append(candidate_view(candidate))
    return found


def candidates_of_case(user: User, case: Case) -> list[CandidateView]:
    """Every candidate of a case (open and decided) whose earlier case the user may see."""
    rows = (_candidates().filter(case=case, master__in=cases_visible_to(user))
            .order_by("-score", "pk"))
    return [candidate_view(c) for c in rows]


def candidate_get_visible(user: User, candidate_id: int) -> DuplicateCandidate:
    """The candidate if the user sees both of its cases; `NotFound` (404) otherwise."""
    visible = cases_visible_to(user)
    candidate = (_candidates().filter(pk=candidate_id, case__in=visible, master__in=visible)
                 .first())
    if candidate is None:
        raise NotFound(_("Duplicate suggestion %(id)s was not found or is not yours to see.")
                       % {"id": candidate_id})
    return candidate
