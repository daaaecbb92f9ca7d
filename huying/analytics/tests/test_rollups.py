"""The rollups follow the cases: incremental refreshes agree with a full recomputation, a
change is never lost between the commit and the refresh, and verify catches a difference."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from huying.analytics import models as tables
from huying.analytics.rollups import (
    rollups_rebuild,
    rollups_refresh,
    rollups_refresh_queued,
    rollups_verify,
)
from huying.analytics.tests.scenario import AFTER_MARCH, MON, build_march
from huying.cases import services as cs
from huying.cases.models import Case
from huying.cases.tests.conftest import report


def county_sum(measure: str) -> int:
    return tables.CountyDay.objects.aggregate(n=Sum(measure))["n"] or 0


def test_each_change_queues_its_case_in_the_same_transaction(world):
    case = report(world, now=MON)
    assert tables.RollupQueue.objects.filter(case_id=case.pk).exists()
    assert rollups_refresh([case.pk], now=MON) == 1
    assert not tables.RollupQueue.objects.exists()
    assert county_sum("received") == 1 and county_sum(f"status_{case.status}") == 1
    # a second refresh of the same case finds nothing queued and changes nothing
    assert rollups_refresh([case.pk], now=MON) == 0
    assert county_sum("received") == 1


def test_a_state_change_moves_the_case_between_columns(world):
    case = report(world, now=MON)
    rollups_refresh_queued(now=MON)
    before = case.status
    cs.case_reject(case=case, actor=world.user("initiator_a"), reason="重复上报", now=MON)
    rollups_refresh_queued(now=MON)
    assert county_sum(f"status_{before}") == 0
    assert county_sum("status_rejected") == 1 and county_sum("received") == 1
    assert county_sum("accepted") == 0


def test_the_incremental_rollups_equal_a_full_recomputation(world):
    build_march(world)  # every kind of change: dispatch, return, reopen, autoclose …
    assert rollups_verify(now=AFTER_MARCH) == []
    before = {name: county_sum(name) for name in ("received", "accepted", "done", "open")}
    assert before == {"received": 9, "accepted": 8, "done": 5, "open": 3}
    assert rollups_rebuild(now=AFTER_MARCH) == 9
    assert {name: county_sum(name) for name in before} == before
    assert rollups_verify(now=AFTER_MARCH) == []


def test_a_refresh_that_never_ran_is_done_by_the_sweep(world):
    """The process died after the commit: the queue row is there, the counts are not."""
    case = report(world, now=MON)
    assert county_sum("received") == 0
    assert rollups_refresh_queued(now=MON + timedelta(minutes=1)) == 1
    assert county_sum("received") == 1
    assert rollups_verify(now=MON) == []
    assert Case.objects.filter(pk=case.pk).exists()


def test_verify_reports_a_tampered_count_and_the_command_fails(world, capsys):
    build_march(world)
    tables.CountyDay.objects.filter(received__gt=0).update(received=999)
    differences = rollups_verify(now=AFTER_MARCH)
    assert differences and {d.measure for d in differences} == {"received"}
    assert differences[0].found == 999
    with pytest.raises(CommandError, match="rebuild"):
        call_command("analytics", "verify")
    call_command("analytics", "rebuild")
    call_command("analytics", "verify")
    assert "一致" in capsys.readouterr().out


def test_a_lost_bucket_is_found_too(world):
    build_march(world)
    tables.OutcomeDay.objects.filter(eval_lapsed__gt=0).delete()
    assert any(d.table == "OutcomeDay" and d.measure == "eval_lapsed"
               for d in rollups_verify(now=AFTER_MARCH))


def test_a_refresh_costs_the_same_queries_for_one_case_or_twenty(world,
                                                                 django_assert_max_num_queries):
    one = report(world, now=MON)
    with django_assert_max_num_queries(40) as captured:
        rollups_refresh([one.pk], now=MON)
    single = len(captured)
    many = [report(world, now=MON + timedelta(minutes=k)).pk for k in range(20)]
    with django_assert_max_num_queries(single) as captured:
        rollups_refresh(many, now=MON)
    assert county_sum("received") == 21


@pytest.fixture
def huey_queue():
    """huey not in immediate mode, its queue emptied before and after."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = False
    HUEY.flush()
    yield HUEY
    HUEY.flush()
    HUEY.immediate = before


def test_after_the_commit_a_worker_refreshes_not_the_request(world, huey_queue, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    from huying.analytics import subscribers

    monkeypatch.setattr(subscribers, "_last_enqueued", [-subscribers.ENQUEUE_EVERY])
    with django_capture_on_commit_callbacks(execute=True):
        case = report(world, now=MON)
    # the request's part: the case is queued and a refresh scheduled, nothing refreshed
    assert tables.RollupQueue.objects.filter(case_id=case.pk).exists()
    assert county_sum("received") == 0
    from huying.analytics.tasks import rollups_refresh_soon

    assert huey_queue.pending_count() == 1
    task = huey_queue.dequeue()
    assert task.name == rollups_refresh_soon.task_class.__name__ and task.eta is not None
    # what the worker runs (`call_local`: db_task's wrapper would close the test's connection)
    rollups_refresh_soon.call_local()
    assert county_sum("received") == 1 and not tables.RollupQueue.objects.exists()


def test_a_burst_of_commits_schedules_one_refresh_that_runs_after_all_of_them(
        world, huey_queue, monkeypatch, django_capture_on_commit_callbacks):
    from huying.analytics import subscribers

    clock = [1000.0]
    monkeypatch.setattr(subscribers.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(subscribers, "_last_enqueued", [-subscribers.ENQUEUE_EVERY])
    for step in (0.0, 0.2, 0.2):  # three commits within half a second
        clock[0] += step
        with django_capture_on_commit_callbacks(execute=True):
            report(world, now=MON)
    assert huey_queue.pending_count() == 1
    clock[0] += subscribers.ENQUEUE_EVERY  # past the window: the next commit schedules again
    with django_capture_on_commit_callbacks(execute=True):
        report(world, now=MON)
    assert huey_queue.pending_count() == 2
    # each runs a second after it was scheduled: after every commit it covers
    assert subscribers.REFRESH_DELAY > subscribers.ENQUEUE_EVERY


def test_inline_mode_refreshes_at_the_commit(world, settings, django_capture_on_commit_callbacks):
    settings.HUYING_ROLLUPS_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        report(world, now=MON)
    assert county_sum("received") == 1 and not tables.RollupQueue.objects.exists()


def test_in_batch_mode_nothing_is_enqueued_and_the_case_stays_queued(
        world, huey_queue, django_capture_on_commit_callbacks):
    from huying.common.batch import batch_mode

    with batch_mode(), django_capture_on_commit_callbacks(execute=True):
        case = report(world, now=MON)
    assert huey_queue.pending_count() == 0
    assert tables.RollupQueue.objects.filter(case_id=case.pk).exists()
    rollups_refresh_queued(now=MON)
    assert county_sum("received") == 1
