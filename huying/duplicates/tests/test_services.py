"""Merging and dismissing a suggestion: who may, in which states, and what is recorded."""

from __future__ import annotations

import pytest

from huying.cases import services as cs
from huying.cases.models import CaseEvent, CaseStatus
from huying.common.errors import PermissionDenied, TransitionNotAllowed
from huying.duplicates.models import CandidateStatus, DuplicateCandidate
from huying.duplicates.services import duplicate_dismiss, duplicate_merge

from .conftest import MONDAY, filed, hours

CALLER = "你好，新华路口的自来水管子爆了，水一直往外冒，人行道都淹了"
GRID = "新华路口供水管破裂漏水，路面积水。"


@pytest.fixture
def candidate(world, django_capture_on_commit_callbacks) -> DuplicateCandidate:
    filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089")
    later = filed(world, django_capture_on_commit_callbacks, text=GRID, matter="M089",
                  channel="grid", by="grid_a", at=MONDAY + hours(2))
    return DuplicateCandidate.objects.get(case=later)


def test_the_supervisor_merges_in_one_click(world, candidate):
    when = MONDAY + hours(3)
    decided = duplicate_merge(candidate=candidate, actor=world.user("supervisor"), now=when)
    assert (decided.status, decided.decided_by, decided.decided_at, decided.automatic) == (
        CandidateStatus.MERGED, world.user("supervisor"), when, False)
    case = decided.case
    case.refresh_from_db()
    assert (case.status, case.merged_into_id) == (CaseStatus.MERGED, candidate.master_id)
    event = CaseEvent.objects.get(case=case, action="merge")
    assert event.payload == {"into": candidate.master.number}
    assert event.actor == world.user("supervisor")


def test_a_grid_worker_may_not_merge_and_nothing_changes(world, candidate):
    with pytest.raises(PermissionDenied):
        duplicate_merge(candidate=candidate, actor=world.user("grid_a"), now=MONDAY)
    candidate.refresh_from_db()
    candidate.case.refresh_from_db()
    assert candidate.status == CandidateStatus.OPEN
    assert candidate.case.status == CaseStatus.REGISTERED


def test_a_decided_suggestion_cannot_be_decided_again(world, candidate):
    duplicate_dismiss(candidate=candidate, actor=world.user("supervisor"), now=MONDAY)
    with pytest.raises(TransitionNotAllowed):
        duplicate_merge(candidate=candidate, actor=world.user("supervisor"), now=MONDAY)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.DISMISSED
    assert candidate.decided_by == world.user("supervisor")


def test_a_report_already_dispatched_is_past_merging(world, candidate, now):
    case = candidate.case
    case = cs.case_call(case=case, actor=world.user("initiator_a"), reason="需县级部门",
                        now=now)
    case = cs.case_call_approve(case=case, actor=world.user("reviewer_a"), now=now)
    cs.case_dispatch(case=case, actor=world.user("supervisor"), lead=world.dept("D07"), now=now)
    with pytest.raises(TransitionNotAllowed):
        duplicate_merge(candidate=candidate, actor=world.user("supervisor"), now=now)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.OPEN


def test_dismissing_needs_the_right_to_merge(world, candidate):
    with pytest.raises(PermissionDenied):
        duplicate_dismiss(candidate=candidate, actor=world.user("responder_d07"), now=MONDAY)
    decided = duplicate_dismiss(candidate=candidate, actor=world.user("initiator_a"),
                                now=MONDAY)
    assert decided.status == CandidateStatus.DISMISSED
    decided.case.refresh_from_db()
    assert decided.case.status == CaseStatus.REGISTERED
    # The record says who judged it no duplicate, of which case; the refusal left none.
    from huying.cases.models import CaseEvent

    (event,) = CaseEvent.objects.filter(case=decided.case, action="dismiss_duplicate")
    assert event.actor == world.user("initiator_a")
    assert event.payload["master"] == decided.master.number


def test_the_system_merges_only_with_the_score_that_decided(world, candidate):
    from huying.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        cs.case_merge(case=candidate.case, into=candidate.master, actor=None, now=MONDAY)
