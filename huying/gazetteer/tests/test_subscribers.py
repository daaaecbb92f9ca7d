"""A new case is located by its words when it has no unit, and its words are checked
against its point when it has one; what the words cannot place waits in 待定位."""

from __future__ import annotations

import pytest
from django.utils import translation

from huying.cases import flows
from huying.cases import services as cs
from huying.cases.models import Case, CaseEvent
from huying.cases.states import event_title
from huying.common.errors import ValidationFailed
from huying.gazetteer.models import CaseLocation, LocationSource
from huying.gazetteer.selectors import queue_to_locate


def hotline(world, now, description: str, *, address: str = "", point: int | None = None,
            **extra) -> Case:
    lon, lat = world.point_in(point) if point is not None else (None, None)
    return cs.case_report(actor=world.user("supervisor"), county=world.county,
                          channel="12345", title="市民来电", description=description,
                          address=address, longitude=lon, latitude=lat,
                          reporter_name="王女士", reporter_phone="13912345678", now=now,
                          **extra)


def test_a_case_without_a_unit_is_located_by_its_words_with_its_event(world, now):
    case = hotline(world, now, "锦华小区3号楼后面的垃圾没人收")
    assert case.unit == case.grid == world.grids[0] and case.town == world.towns[0]
    assert case.version == 2
    event = CaseEvent.objects.get(case=case, action="locate")
    assert event.actor is None and event.payload == {
        "unit": world.grids[0].code, "words": ["锦华小区"], "confidence": 0.9,
        "source": "text"}
    with translation.override("zh-hans"):
        assert event_title("locate") == "已按地址文字定位"
    location = CaseLocation.objects.get(case=case)
    assert location.source == LocationSource.TEXT and location.text_unit == world.grids[0]
    assert not location.conflict
    stored = Case.objects.get(pk=case.pk)
    assert stored.grid == world.grids[0] and stored.community == world.communities[0]


def test_words_that_do_not_place_the_case_leave_it_to_a_person(world, now):
    case = hotline(world, now, "我家楼下的下水道堵了")
    vague = hotline(world, now, "幸福里小区停车难")   # in two towns
    located = hotline(world, now, "粮苑小区门口")
    assert case.unit is None and vague.unit is None
    assert not CaseEvent.objects.filter(case__in=[case, vague], action="locate").exists()
    assert CaseLocation.objects.get(case=case).source == LocationSource.NONE
    assert list(queue_to_locate(world.user("supervisor"))) == [case, vague]
    assert located not in queue_to_locate(world.user("supervisor"))
    assert not queue_to_locate(world.user("grid_a")).exists()


def test_a_point_wins_and_agreeing_words_are_recorded(world, now):
    case = hotline(world, now, "锦华小区门口路灯不亮", point=0)
    location = CaseLocation.objects.get(case=case)
    assert case.unit == world.grids[0]
    assert location.source == LocationSource.POINT_TEXT and not location.conflict
    assert not CaseEvent.objects.filter(case=case, action__startswith="locate").exists()


def test_words_that_disagree_with_the_point_are_put_on_the_record(world, now):
    case = hotline(world, now, "人民医院门口乱停车", point=0)
    location = CaseLocation.objects.get(case=case)
    assert case.unit == world.grids[0]  # the point wins
    assert location.source == LocationSource.POINT and location.conflict
    assert location.text_unit == world.grids[2]
    with translation.override("zh-hans"):
        assert str(location.reason) == (
            "地址文字指向 石岭镇 › 石岭镇第一社区 › 石岭镇网格1，定位点在 海滨街道网格1。")
    event = CaseEvent.objects.get(case=case, action="locate_conflict")
    assert event.payload["text_unit"] == world.grids[2].code


def test_a_point_with_words_naming_nothing_is_located_by_its_point(world, now):
    case = hotline(world, now, "路灯不亮", point=1)
    location = CaseLocation.objects.get(case=case)
    assert location.source == LocationSource.POINT and location.text_unit is None
    assert location.confidence is None and location.words == []


def test_a_unit_chosen_by_the_reporter_is_compared_too(world, now):
    case = cs.case_report(actor=world.user("grid_a"), county=world.county, channel="grid",
                          title="路灯", description="翠竹花园东门路灯不亮", now=now,
                          unit=world.grids[0])
    location = CaseLocation.objects.get(case=case)
    assert location.source == LocationSource.MANUAL and location.conflict


def test_a_report_located_by_its_words_is_registered_in_the_same_flow(world, now):
    case, created = flows.case_report_filed(
        actor=world.user("supervisor"), county=world.county, now=now, matter_code="M002",
        channel="12345", title="路灯不亮", description="粮苑小区北门路灯不亮")
    assert created and case.status == "registered" and case.grid == world.grids[1]
    assert [e.action for e in case.events.order_by("seq")] == ["report", "locate",
                                                              "register"]


def test_a_classified_report_its_words_cannot_place_is_refused_and_writes_nothing(world,
                                                                                  now):
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as error:
        flows.case_report_filed(
            actor=world.user("supervisor"), county=world.county, now=now, matter_code="M002",
            channel="12345", title="路灯不亮", description="我家门口路灯不亮")
    assert error.value.details["field"] == "location"
    assert Case.objects.count() == before and not CaseLocation.objects.exists()


def test_a_failing_gazetteer_never_loses_the_report(world, now, monkeypatch, caplog):
    from huying.gazetteer import services

    def broken(**_kwargs):
        raise RuntimeError("the automaton is gone")

    monkeypatch.setattr(services, "locate_text", broken)
    case = hotline(world, now, "锦华小区门口")
    assert Case.objects.filter(pk=case.pk).exists() and case.unit is None
    assert not CaseLocation.objects.exists()
    assert "locating case" in caplog.text
