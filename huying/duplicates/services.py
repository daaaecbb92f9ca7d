"""The writes of duplicate finding: record the candidates of a new report, merge one (by a
person, or by the platform above the strict automatic score), dismiss one (不是重复).

Merging goes through `cases.services.case_merge`, which checks who may merge and the
states, records the `merge` event and tells the sources (`notifications/sources.py`
answers a merged report's sources with the master's outcome from then on).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from huying.cases.events import event_append
from huying.cases.models import Case
from huying.cases.services import case_lock, case_merge
from huying.cases.states import CASE, OPEN_CASE, actor_may
from huying.catalog.selectors import matter_relations
from huying.common.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from huying.duplicates import selectors
from huying.duplicates.matters import matter_guesser
from huying.duplicates.models import CandidateStatus, DuplicateCandidate
from huying.duplicates.scoring import judge, with_guessed_matter
from huying.org.models import User

log = logging.getLogger(__name__)

# The best few are enough for a person to compare side by side.
KEEP = 5


@transaction.atomic
def duplicates_find(*, case: Case, now: datetime, first_look: bool = False
                    ) -> list[DuplicateCandidate]:
    """Compare a new report with the county's cases of its window and place, store the
    candidates scoring at least `HUYING_DUPLICATE_SUGGEST_SCORE` (best first), and merge
    it into the best one when that scores at least `HUYING_DUPLICATE_AUTO_MERGE_SCORE`
    and is still open. The system acts: no actor. `first_look`: the report was never
    compared before, so when nothing scores it has no candidates to read back."""
    case = Case.objects.select_related("matter_type").get(pk=case.pk)
    within = selectors.limits()
    guess = matter_guesser()
    relations = matter_relations()
    mine = with_guessed_matter(selectors.side_of(case), guess).read()
    found = []
    for earlier in selectors.earlier_cases_near(case, now=now, within=within):
        theirs = with_guessed_matter(selectors.side_of(earlier), guess)
        judgement = judge(theirs, mine, relations=relations, limits=within)
        if judgement.score >= settings.HUYING_DUPLICATE_SUGGEST_SCORE:
            found.append((judgement, earlier))
    found.sort(key=lambda pair: (-pair[0].score, -pair[1].reported_at.timestamp()))
    rows = [DuplicateCandidate(case=case, master=earlier, score=judgement.score,
                               reasons=[r.data for r in judgement.reasons],
                               distance_m=judgement.distance_m, created_at=now)
            for judgement, earlier in found[:KEEP]]
    if not rows and first_look:
        return []
    DuplicateCandidate.objects.bulk_create(rows, ignore_conflicts=True)
    candidates = list(DuplicateCandidate.objects.filter(case=case).select_related("master")
                      .order_by("-score", "pk"))
    _merge_automatically(candidates, now=now)
    return candidates


def _merge_automatically(candidates: list[DuplicateCandidate], *, now: datetime) -> None:
    threshold = settings.HUYING_DUPLICATE_AUTO_MERGE_SCORE
    best = next((c for c in candidates if c.status == CandidateStatus.OPEN), None)
    if threshold is None or best is None or best.score < threshold:
        return
    if best.master.status not in OPEN_CASE or best.master.county_id != best.case.county_id:
        return  # a person decides whether a report joins a closed case
    if best.case.status not in selectors.MERGE_SOURCES:
        return
    case_merge(case=best.case, into=best.master, actor=None, now=now,
               automatic_score=best.score)
    _decide(best, status=CandidateStatus.MERGED, actor=None, now=now, automatic=True)


@transaction.atomic
def duplicate_merge(*, candidate: DuplicateCandidate, actor: User, now: datetime
                    ) -> DuplicateCandidate:
    """Merge the report into the candidate's earlier case in one click (合并). Who may
    merge and from which states is `case_merge`'s rule; the earlier case must be of the
    same county and not itself rejected or merged."""
    candidate = _lock_open(candidate)
    case_merge(case=candidate.case, into=candidate.master, actor=actor, now=now)
    return _decide(candidate, status=CandidateStatus.MERGED, actor=actor, now=now)


@transaction.atomic
def duplicate_dismiss(*, candidate: DuplicateCandidate, actor: User, now: datetime
                      ) -> DuplicateCandidate:
    """Record that the report is not a repeat of the earlier case (不是重复): the
    suggestion leaves the board. Whoever may merge the report may dismiss it."""
    candidate = _lock_open(candidate)
    if not actor_may(actor, CASE["merge"], case=candidate.case):
        raise PermissionDenied(_("You may not decide on the duplicates of case %(number)s.")
                               % {"number": candidate.case.number})
    case = case_lock(candidate.case_id)
    event_append(case=case, actor=actor, action="dismiss_duplicate", from_status=case.status,
                 to_status=case.status, now=now,
                 payload={"master": candidate.master.number, "score": candidate.score})
    return _decide(candidate, status=CandidateStatus.DISMISSED, actor=actor, now=now)


def _lock_open(candidate: DuplicateCandidate) -> DuplicateCandidate:
    candidate = (DuplicateCandidate.objects.select_for_update(of=("self",))
                 .select_related("case__unit", "master").get(pk=candidate.pk))
    if candidate.status != CandidateStatus.OPEN:
        raise TransitionNotAllowed(
            _("This suggestion was already decided: %(status)s.")
            % {"status": candidate.get_status_display()}, status=candidate.status)
    if candidate.master.county_id != candidate.case.county_id:
        raise ValidationFailed(_("A case can only be merged into another case of its county."),
                               field="into")
    return candidate


def _decide(candidate: DuplicateCandidate, *, status: str, actor: User | None,
            now: datetime, automatic: bool = False) -> DuplicateCandidate:
    candidate.status = status
    candidate.decided_by = actor
    candidate.decided_at = now
    candidate.automatic = automatic
    candidate.save(update_fields=["status", "decided_by", "decided_at", "automatic"])
    return candidate
