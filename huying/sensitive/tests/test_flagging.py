"""A new report is checked against the lexicon in force: flagged, raised, pinned, told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huying.cases import services as cs
from huying.cases.models import Case, CaseEvent, Channel
from huying.cases.selectors import queue_to_triage
from huying.catalog.models import Colour
from huying.sensitive import subscribers
from huying.sensitive.models import SensitiveFlag, SensitiveRule
from huying.sensitive.selectors import matcher_in_force

WAGES = "工地老板跑了，三十多名农民工的工资拖了半年没发，明天要一起去县政府门口讨说法。"


def hotline(world, now, description: str, *, title: str = "来电反映") -> Case:
    return cs.case_report(actor=None, county=world.county, channel=Channel.HOTLINE_12345,
                          title=title, description=description, now=now)


def test_a_report_naming_many_unpaid_workers_is_flagged_with_its_words(world, now):
    case = hotline(world, now, WAGES)
    case.refresh_from_db()
    assert case.sensitive and case.version == 2
    flag = SensitiveFlag.objects.get(case=case)
    assert flag.people == 30
    assert {h["name"] for h in flag.hits} >= {"拖欠多名工人工资"}
    assert "工资拖" in flag.words
    event = CaseEvent.objects.get(case=case, action="flag_sensitive")
    assert event.actor is None and event.payload["people"] == 30
    assert "拖欠多名工人工资" in event.payload["rules"]


def test_an_ordinary_report_is_not_flagged(world, now):
    case = hotline(world, now, "老板欠了我两个月工资不发，请劳动监察帮忙。")
    case.refresh_from_db()
    assert not case.sensitive and case.version == 1
    assert not SensitiveFlag.objects.exists()
    assert not CaseEvent.objects.filter(case=case, action="flag_sensitive").exists()


def test_the_flag_raises_the_colour_at_registration(world, now):
    lon, lat = world.point_in(0)
    case = cs.case_report(actor=world.user("grid_a"), county=world.county, channel=Channel.GRID,
                          title="路灯不亮", description="路灯不亮，居民说再不修就拉横幅。",
                          longitude=lon, latitude=lat, now=now)
    assert case.sensitive  # the caller's instance is current, not a stale copy
    case = cs.case_register(case=case, actor=world.user("grid_a"), matter_code="M002", now=now)
    assert case.matter_type.colour == Colour.GREEN and case.colour == Colour.BLUE


def test_a_sensitive_report_is_pinned_above_older_and_urgent_ones(world, now):
    older = hotline(world, now - timedelta(hours=2), "路灯不亮三天了。")
    urgent = cs.case_report(actor=None, county=world.county, channel=Channel.HOTLINE_12345,
                            title="井盖丢了", description="井盖丢了。", urgent=True,
                            now=now - timedelta(hours=1))
    flagged = hotline(world, now, "他说再不给退钱就从楼顶跳下去。")
    assert list(queue_to_triage(world.user("supervisor"))) == [flagged, urgent, older]


def test_an_edited_rule_applies_to_the_next_report_at_once(world, now):
    assert not matcher_in_force().hits("码头有人说要封港")[0]
    rule = SensitiveRule(name="封港", category="group", words=["封港"])
    rule.full_clean()
    rule.save()
    assert hotline(world, now, "码头有人说要封港。").sensitive
    rule.active = False
    rule.save()
    assert not hotline(world, now, "码头有人说要封港。").sensitive


@pytest.mark.parametrize(("fields", "error"), [
    ({"words": []}, "words"), ({"words": "跳楼"}, "words"), ({"min_people": 1}, "min_people"),
    ({"requires": [3]}, "requires"),
])
def test_a_bad_rule_is_refused_with_its_field(db, fields, error):
    from django.core.exceptions import ValidationError

    rule = SensitiveRule(name="x", category="group", **({"words": ["跳楼"]} | fields))
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()
    assert error in raised.value.message_dict


def test_a_failing_lexicon_never_loses_the_report(world, now, monkeypatch):
    def broken(*, case, now, found=None):
        case.sensitive, case.version = True, case.version + 1  # half done, then it fails
        raise RuntimeError("lexicon unreadable")

    monkeypatch.setattr(subscribers, "case_check_sensitive", broken)
    case = hotline(world, now, WAGES)
    assert Case.objects.filter(pk=case.pk).exists()
    # The caller's object is what the database holds, not the failed step's half.
    assert not case.sensitive and case.version == 1


def test_a_lexicon_that_cannot_match_never_loses_the_report(world, now, monkeypatch, caplog):
    def broken(case):
        raise RuntimeError("lexicon unreadable")

    monkeypatch.setattr(subscribers, "sensitive_hits", broken)
    case = hotline(world, now, WAGES)
    assert Case.objects.filter(pk=case.pk).exists() and not case.sensitive
    assert f"sensitive check failed for case {case.number}" in caplog.text
