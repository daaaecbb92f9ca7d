"""Candidates found when a report comes in: the window query, what is stored, the
automatic merge above the strict threshold (recorded as such, the sources answered), and
a failure that never loses the report."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.cases import services as cs
from huying.cases.models import Case, CaseEvent, CaseStatus, Channel
from huying.common.messages import render
from huying.duplicates import selectors, services
from huying.duplicates.models import CandidateStatus, DuplicateCandidate
from huying.notifications.models import SourceUpdate

from .conftest import MONDAY, filed, hours

CALLER = ("你好我要反映，新华路邮局门口那个十字路口的自来水管子爆了，水哗哗往外冒，"
          "人行道都淹了，麻烦快派人来")
GRID = "新华路邮局路口供水管破裂漏水，路面积水。"
LIGHTS = "新华路邮局路口那几盏路灯晚上全不亮，走路很危险"


def test_a_repeat_from_another_channel_becomes_a_candidate_with_its_reasons(
        world, django_capture_on_commit_callbacks):
    first = filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089")
    second = filed(world, django_capture_on_commit_callbacks, text=GRID, matter="M089",
                   channel="grid", by="grid_a", north_m=60, at=MONDAY + hours(3))
    candidate = DuplicateCandidate.objects.get(case=second)
    assert candidate.master == first
    assert candidate.status == CandidateStatus.OPEN and not candidate.automatic
    assert candidate.score >= 0.8
    assert 55 < candidate.distance_m < 65
    reasons = [render(r) for r in candidate.reasons]
    assert reasons[:3] == ["相距 60 米", "间隔 3 小时", "同一事项：停水及供水管网漏水"]
    assert reasons[-1] == "不同渠道：12345政务服务便民热线 / 网格通"
    # The first report had nobody to repeat; the second is not merged by default.
    assert not DuplicateCandidate.objects.filter(case=first).exists()
    second.refresh_from_db()
    assert second.status == CaseStatus.REGISTERED


@pytest.mark.parametrize("other", [
    {"text": LIGHTS, "matter": "M002"},                       # same place, other matter
    {"text": GRID, "matter": "M089", "at": MONDAY + timedelta(days=20)},  # weeks later
    {"text": GRID, "matter": "M089", "north_m": 600},         # beyond the radius
    {"text": LIGHTS},                                         # other problem, unclassified
])
def test_hard_negatives_are_not_suggested(world, django_capture_on_commit_callbacks, other):
    filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089")
    later = filed(world, django_capture_on_commit_callbacks, channel="grid", by="grid_a",
                  **{"at": MONDAY + hours(2), **other})
    assert not DuplicateCandidate.objects.filter(case=later).exists()


def test_rejected_merged_and_other_county_cases_are_not_candidates(world, now):
    reject_me = cs.case_report(actor=world.user("supervisor"), county=world.county,
                               channel="12345", title="水管爆了", description=CALLER,
                               longitude=world.point_in(0)[0], latitude=world.point_in(0)[1],
                               now=now)
    cs.case_reject(case=reject_me, actor=world.user("supervisor"), reason="重复来电", now=now)
    keep = cs.case_report(actor=world.user("supervisor"), county=world.county,
                          channel="12345", title="水管爆了", description=CALLER,
                          longitude=world.point_in(0)[0], latitude=world.point_in(0)[1],
                          now=now)
    probe = Case.objects.filter(pk=keep.pk).first()
    probe.pk = None
    probe.number = "PROBE"
    probe.reported_at = now + hours(1)
    probe.save()
    near = list(selectors.earlier_cases_near(probe, now=now + hours(1)))
    assert near == [keep]


def test_the_window_query_reads_a_bounded_number_of_rows_in_one_query(world, now):
    lon, lat = world.point_in(0)
    template = {"channel": "12345", "title": "坑", "description": "路面坑洼",
                "county": world.county, "status": CaseStatus.REPORTED, "updated_at": now,
                "grid": world.grids[0]}
    Case.objects.bulk_create(
        [Case(number=f"N{i:05d}", longitude=lon, latitude=lat,
              reported_at=now - timedelta(minutes=i), **template)
         for i in range(selectors.SCAN_LIMIT + 30)]
        + [Case(number=f"F{i:05d}", longitude=lon + 0.05, latitude=lat,
                reported_at=now - timedelta(minutes=i), **template) for i in range(30)]
        + [Case(number=f"O{i:05d}", longitude=lon, latitude=lat,
                reported_at=now - timedelta(days=5, minutes=i), **template) for i in range(30)])
    probe = Case.objects.create(number="PROBE", longitude=lon, latitude=lat, reported_at=now,
                                **template)
    with CaptureQueriesContext(connection) as queries:
        rows = list(selectors.earlier_cases_near(probe, now=now))
    assert len(queries.captured_queries) == 1
    assert len(rows) == selectors.SCAN_LIMIT
    assert {r.number[0] for r in rows} == {"N"}
    assert rows[0].number == "N00000"


def test_a_report_without_a_point_is_compared_within_its_grid(
        world, django_capture_on_commit_callbacks):
    first = filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089")
    filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089", grid=2)
    later = filed(world, django_capture_on_commit_callbacks, text=GRID, matter="M089",
                  point=False, by="grid_a", channel="grid", at=MONDAY + hours(1))
    candidate = DuplicateCandidate.objects.get(case=later)
    assert candidate.master == first and candidate.distance_m is None
    assert "同一网格" in [render(r) for r in candidate.reasons]


def test_no_automatic_merge_unless_configured(world, django_capture_on_commit_callbacks):
    filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089")
    twin = filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089",
                 at=MONDAY + hours(1))
    assert twin.status == CaseStatus.REGISTERED
    assert DuplicateCandidate.objects.get(case=twin).score > 0.99


def test_above_the_strict_threshold_the_platform_merges_and_says_so(
        world, settings, django_capture_on_commit_callbacks):
    settings.HUYING_DUPLICATE_AUTO_MERGE_SCORE = 0.99
    channel = Channel.objects.get(code="12345")
    channel.must_answer_back = True
    channel.save()
    master = filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089",
                   external_id="GD-1")
    twin = filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089",
                 at=MONDAY + hours(1), external_id="GD-2")
    assert (twin.status, twin.merged_into) == (CaseStatus.MERGED, master)
    event = CaseEvent.objects.get(case=twin, action="merge")
    assert event.actor is None
    assert event.payload["into"] == master.number and event.payload["automatic"] is True
    candidate = DuplicateCandidate.objects.get(case=twin)
    assert event.payload["score"] == candidate.score >= 0.99
    assert (candidate.status, candidate.automatic, candidate.decided_by) == (
        CandidateStatus.MERGED, True, None)
    # The merged report's own source hears the merge and the master's number.
    update = SourceUpdate.objects.get(external_id="GD-2", case_status="merged")
    assert update.payload["master_number"] == master.number


def test_the_platform_never_merges_into_a_closed_case(world, settings, now,
                                                      django_capture_on_commit_callbacks):
    settings.HUYING_DUPLICATE_AUTO_MERGE_SCORE = 0.9
    master = filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089",
                   by="initiator_a", channel="town")
    master = cs.case_handle_locally(case=master, actor=world.user("initiator_a"), now=now)
    cs.case_resolve_locally(case=master, actor=world.user("initiator_a"), result="已修复",
                            now=now + hours(1))
    twin = filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089",
                 at=MONDAY + hours(2))
    assert twin.status == CaseStatus.REGISTERED
    assert DuplicateCandidate.objects.get(case=twin).status == CandidateStatus.OPEN


def test_a_failing_finder_is_logged_and_the_report_kept(world, monkeypatch, caplog,
                                                        django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise RuntimeError("index gone")

    monkeypatch.setattr("huying.duplicates.subscribers.duplicates_find", broken)
    with caplog.at_level(logging.ERROR, logger="huying.duplicates.subscribers"):
        case = filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089")
    assert Case.objects.filter(pk=case.pk, status=CaseStatus.REGISTERED).exists()
    assert "duplicate finding failed" in caplog.text


def test_finding_again_keeps_one_row_per_pair(world, django_capture_on_commit_callbacks, now):
    filed(world, django_capture_on_commit_callbacks, text=CALLER, matter="M089")
    twin = filed(world, django_capture_on_commit_callbacks, text=GRID, matter="M089",
                 at=MONDAY + hours(1))
    services.duplicates_find(case=twin, now=now + hours(1))
    assert DuplicateCandidate.objects.filter(case=twin).count() == 1
