"""The triage board's read: each case's stored suggestions with their matter names and
departments, in a number of queries that does not grow with the cases."""

from __future__ import annotations

from huying.cases import services as cs
from huying.cases.models import Channel
from huying.routing.models import CaseSuggestion
from huying.routing.selectors import may_ask_for_suggestions, suggestions_for_cases

TEXTS = ["路灯坏了好几天晚上很黑", "井盖丢了井口敞着", "垃圾桶满了没人清运", "闻到很浓的煤气味"]


def reports(world, now, n):
    lon, lat = world.point_in(0)
    return [cs.case_report(actor=world.user("supervisor"), county=world.county,
                           channel=Channel.HOTLINE_12345, title="来电",
                           description=TEXTS[i % len(TEXTS)], longitude=lon, latitude=lat,
                           now=now) for i in range(n)]


def test_each_case_gets_its_top_three_with_names_and_departments(world, now, trained):
    cases = reports(world, now, 2)
    found = suggestions_for_cases([c.pk for c in cases], on=now.date())
    light = found[cases[0].pk].items[0]
    assert (light.code, light.name, light.lead, light.co) == (
        "M002", "路灯不亮", "市住房和城乡建设局", ["市供电公司"])
    assert len(found[cases[0].pk].items) == 3 and found[cases[1].pk].items[0].code == "M001"
    assert found[cases[0].pk].stale is False


def test_the_query_count_does_not_grow_with_the_cases(world, now, trained,
                                                      django_assert_max_num_queries):
    few = reports(world, now, 2)
    many = few + reports(world, now, 10)
    with django_assert_max_num_queries(4):
        assert len(suggestions_for_cases([c.pk for c in few], on=now.date())) == 2
    with django_assert_max_num_queries(4):
        assert len(suggestions_for_cases([c.pk for c in many], on=now.date())) == 12


def test_a_code_no_longer_in_force_is_left_out(world, now, trained):
    [case] = reports(world, now, 1)
    CaseSuggestion.objects.filter(case=case).update(
        suggestions=[{"code": "M999", "confidence": 0.9}, {"code": "M002", "confidence": 0.1}])
    [item] = suggestions_for_cases([case.pk], on=now.date())[case.pk].items
    assert item.code == "M002"


def test_who_may_ask(world):
    for username in ("grid_a", "initiator_a", "supervisor", "admin"):
        assert may_ask_for_suggestions(world.user(username)), username
    for username in ("responder_d05", "leader", "reviewer_a", "volunteer_1"):
        assert not may_ask_for_suggestions(world.user(username)), username
