"""Automatic dispatch: only above the configured confidence, only for new reports in the
centre's queue that are located, not sensitive, of a matter the lists let the county
take; recorded as automatic on the case."""

from __future__ import annotations

import pytest

from huying.cases import services as cs
from huying.cases.models import AssignmentRole, CaseStatus, Channel
from huying.routing.models import CaseSuggestion

STREET_LIGHT = "新华路路灯不亮好几天了，晚上黑乎乎的，路灯坏了"
VAGUE = "晚上那边有点黑，还有股味道，不知道该找谁"
NEIGHBOURS = "楼上邻居卫生间漏水，协商不成，两户吵架需要调解"


def report(world, now, *, text=STREET_LIGHT, located=True, sensitive=False, actor="supervisor"):
    lon, lat = world.point_in(0) if located else (None, None)
    return cs.case_report(actor=world.user(actor) if actor else None, county=world.county,
                          channel=Channel.HOTLINE_12345, title="市民来电", description=text,
                          longitude=lon, latitude=lat, sensitive=sensitive, now=now)


def confidence_of(world, now, text: str) -> float:
    """The top confidence the model gives `text` (a report made and thrown away)."""
    case = report(world, now, text=text)
    return CaseSuggestion.objects.get(case=case).suggestions[0]["confidence"]


@pytest.fixture
def threshold(settings, world, now, trained):
    """Turn automatic dispatch on just below the street-light report's confidence."""
    top = confidence_of(world, now, STREET_LIGHT)
    settings.HUYING_ROUTING_AUTO_DISPATCH_CONFIDENCE = top - 0.01
    return top


def reported(world, now, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(world, now, **kwargs)
    case.refresh_from_db()
    return case


def test_a_confident_report_is_registered_and_dispatched_as_the_system(
        world, now, threshold, django_capture_on_commit_callbacks):
    case = reported(world, now, django_capture_on_commit_callbacks)
    assert case.status == CaseStatus.DISPATCHED and case.matter_type.code == "M002"
    assignments = {(a.department.code, a.role) for a in case.assignments.all()}
    assert assignments == {("D05", AssignmentRole.LEAD), ("D25", AssignmentRole.CO)}
    register, dispatch = case.events.filter(action__in=["register", "dispatch"]).order_by("seq")
    for event in (register, dispatch):
        assert event.actor is None and event.payload["automatic"] is True
        assert event.payload["confidence"] == pytest.approx(threshold, abs=1e-4)
    assert dispatch.payload["lead"] == "D05" and dispatch.payload["co"] == ["D25"]


def test_below_the_threshold_the_case_waits_for_triage(
        world, now, trained, settings, django_capture_on_commit_callbacks):
    top = confidence_of(world, now, VAGUE)
    assert top < 0.99
    settings.HUYING_ROUTING_AUTO_DISPATCH_CONFIDENCE = (top + 1) / 2
    case = reported(world, now, django_capture_on_commit_callbacks, text=VAGUE)
    assert case.status == CaseStatus.REPORTED and not case.assignments.exists()


def test_off_by_default(world, now, trained, django_capture_on_commit_callbacks):
    case = reported(world, now, django_capture_on_commit_callbacks)
    assert case.status == CaseStatus.REPORTED


def test_a_sensitive_report_waits_for_a_person(world, now, threshold,
                                               django_capture_on_commit_callbacks):
    case = reported(world, now, django_capture_on_commit_callbacks, sensitive=True)
    assert case.status == CaseStatus.REPORTED


def test_an_unlocated_report_waits_for_a_person(world, now, threshold,
                                                django_capture_on_commit_callbacks):
    case = reported(world, now, django_capture_on_commit_callbacks, located=False)
    assert case.status == CaseStatus.REPORTED and case.unit_id is None


def test_a_grid_report_stays_with_the_grid(world, now, threshold,
                                           django_capture_on_commit_callbacks):
    case = reported(world, now, django_capture_on_commit_callbacks, actor="grid_a")
    assert case.level != "county" and case.status == CaseStatus.REPORTED


def test_a_town_duty_is_never_dispatched_to_departments(world, now, settings, trained,
                                                        django_capture_on_commit_callbacks):
    top = confidence_of(world, now, NEIGHBOURS)
    settings.HUYING_ROUTING_AUTO_DISPATCH_CONFIDENCE = top - 0.01
    case = reported(world, now, django_capture_on_commit_callbacks, text=NEIGHBOURS)
    suggestion = CaseSuggestion.objects.get(case=case)
    assert suggestion.suggestions[0]["code"] == "M071"  # 邻里纠纷: a town duty
    assert case.status == CaseStatus.REPORTED and not case.assignments.exists()


def test_a_stale_suggestion_is_not_acted_on(world, now, threshold,
                                            django_capture_on_commit_callbacks, monkeypatch):
    from huying.routing import services

    real = services.case_suggestion_record

    def stale(*, case, now):
        suggestion = real(case=case, now=now)
        suggestion.stale = True
        suggestion.save()
        return suggestion

    monkeypatch.setattr(services, "case_suggestion_record", stale)
    monkeypatch.setattr("huying.routing.subscribers.case_suggestion_record", stale)
    case = reported(world, now, django_capture_on_commit_callbacks)
    assert case.status == CaseStatus.REPORTED


def test_the_case_page_says_the_dispatch_was_automatic(
        world, now, threshold, django_capture_on_commit_callbacks, client):
    case = reported(world, now, django_capture_on_commit_callbacks)
    client.force_login(world.user("supervisor"))
    html = client.get(f"/cases/{case.number}").content.decode()
    assert "智能派单自动处理，置信度" in html
