"""What the triage board reads: open suggestions with the earlier case's summary, in a
constant number of queries."""

from __future__ import annotations

from huying.cases import services as cs
from huying.duplicates.models import CandidateStatus, DuplicateCandidate
from huying.duplicates.selectors import candidates_of_case, open_candidates_for

from .conftest import MONDAY, filed, hours

TEXT = "你好，新华路口的自来水管子爆了，水一直往外冒，人行道都淹了"


def test_the_board_reads_every_suggestion_in_one_query(world, django_capture_on_commit_callbacks,
                                                       django_assert_max_num_queries):
    filed(world, django_capture_on_commit_callbacks, text=TEXT, matter="M089")
    later = [filed(world, django_capture_on_commit_callbacks, text=TEXT, matter="M089",
                   at=MONDAY + hours(i + 1), north_m=10 * i) for i in range(4)]
    ids = [c.pk for c in later]
    assert DuplicateCandidate.objects.filter(case_id__in=ids).count() >= 4 + 3 + 2 + 1
    with django_assert_max_num_queries(1):
        found = open_candidates_for(ids)
    assert set(found) == set(ids)
    best = found[later[-1].pk][0]
    assert best.master.number and best.master.channel == "12345政务服务便民热线"
    assert best.master.matter == "停水及供水管网漏水"
    assert best.master.unit == world.grids[0].name
    assert best.master.status_label == "已立案"
    assert best.reasons[0].startswith("相距")
    scores = [v.score for v in found[later[-1].pk]]
    assert scores == sorted(scores, reverse=True)


def test_decided_suggestions_leave_the_board(world, django_capture_on_commit_callbacks):
    filed(world, django_capture_on_commit_callbacks, text=TEXT, matter="M089")
    later = filed(world, django_capture_on_commit_callbacks, text=TEXT, matter="M089",
                  at=MONDAY + hours(1))
    DuplicateCandidate.objects.filter(case=later).update(status=CandidateStatus.DISMISSED)
    assert open_candidates_for([later.pk]) == {}
    assert [v.status for v in candidates_of_case(world.user("supervisor"), later)] == [
        "dismissed"]


def test_earlier_cases_the_user_cannot_see_are_left_out(world, now,
                                                       django_capture_on_commit_callbacks):
    # Two grid workers on either side of the border of their grids, 90 m apart.
    def report(by: str, lon: float, at):
        with django_capture_on_commit_callbacks(execute=True):
            return cs.case_report(actor=world.user(by), county=world.county, channel="grid",
                                  title="水管爆了", description=TEXT, longitude=lon,
                                  latitude=37.05, now=at)

    report("grid_a", 122.0995, now)
    later = report("grid_a2", 122.1005, now + hours(1))
    assert len(candidates_of_case(world.user("supervisor"), later)) == 1
    assert candidates_of_case(world.user("grid_a2"), later) == []
