"""The report of a period assembled on the hand-built March, every figure counted by hand:
nine cases reported on Monday 2 March (A–I, see `scenario.py`) and one on 25 February.

Hand count for March (the previous period, February, holds the February case only):
reported 9 (1), accepted 8 (1: F rejected), resolved locally 1 (E), called up 7 (A B C D G H
I), dispatched 5 (A B C D I), closed in March 4 (A B C I), evaluations in March 5 (A, C
twice, B, I lapsed), overdue 1 (D: D05 never responded). The week of 2 March differs only
by what happened after Sunday 8 March: B's closure and evaluation (11 March)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from huying.analytics.reports.assembly import report_assemble, report_period
from huying.analytics.reports.data import change_text, ordinal, report_from_json, report_to_json
from huying.analytics.tests.report_scenario import build_report_month
from huying.analytics.tests.scenario import AFTER_MARCH, MARCH
from huying.assessment.selectors import ranking_for_period
from huying.common.errors import ValidationFailed

MONDAY = date(2026, 3, 2)


@pytest.fixture
def month(world):
    return build_report_month(world)


def headline_values(report) -> dict[str, tuple[int, int]]:
    return {h.code: (h.value, h.previous) for h in report.headlines}


def test_monthly_headlines_equal_the_hand_count(world, month):
    report = report_assemble(county=world.county, kind="monthly", day=date(2026, 3, 20),
                             now=AFTER_MARCH)
    assert (report.first, report.last) == (date(2026, 3, 1), date(2026, 3, 31))
    assert (report.previous_first, report.previous_last) == (date(2026, 2, 1),
                                                             date(2026, 2, 28))
    assert headline_values(report) == {
        "received": (9, 1), "accepted": (8, 1), "resolved": (1, 0), "called": (7, 0),
        "dispatched": (5, 0), "closed": (4, 0), "evaluated": (5, 0), "overdue": (1, 0),
        "merged": (0, 0), "sensitive": (0, 0)}
    assert report.title == "示范市“乡呼县应”月报告（2026年3月）"
    assert report.number == "〔2026〕第3期"
    assert report.complete is True


def test_weekly_and_daily_periods_count_what_fell_in_them(world, month):
    weekly = report_assemble(county=world.county, kind="weekly", day=date(2026, 3, 5),
                             now=AFTER_MARCH)
    assert (weekly.first, weekly.last) == (MONDAY, date(2026, 3, 8))
    values = headline_values(weekly)
    assert values["received"] == (9, 1)        # the February case fell in the week before
    assert values["closed"] == (3, 0)          # A, C and I; B closed on 11 March
    assert values["evaluated"] == (4, 0)       # A, C twice, I lapsed
    assert weekly.number == "〔2026〕第10期"     # ISO week 10
    daily = report_assemble(county=world.county, kind="daily", day=MONDAY, now=AFTER_MARCH)
    assert (daily.first, daily.last) == (MONDAY, MONDAY)
    assert headline_values(daily)["received"] == (9, 0)
    assert headline_values(daily)["closed"] == (0, 0)
    assert daily.number == "〔2026〕第61期"      # the 61st day of the year


def test_indicators_carry_both_periods_and_their_definitions(world, month):
    report = report_assemble(county=world.county, kind="monthly", day=MONDAY, now=AFTER_MARCH)
    closure = report.rate("closure_rate")
    assert (closure.numerator, closure.denominator) == (5, 8)
    assert closure.display == "5/8（62.50%）"
    assert closure.previous_display == "0/1（0.00%）"  # the February case is still open
    assert closure.definition.startswith("期内受理")
    row = next(r for r in report.section("indicators").rows if r[0] == "结案率")
    assert row[:4] == ["结案率", "5/8（62.50%）", "0/1（0.00%）", "+62.50 个百分点"]
    satisfaction = report.rate("satisfaction_rate")
    assert (satisfaction.numerator, satisfaction.denominator) == (3, 5)


def test_breakdowns_trend_and_department_work(world, month):
    report = report_assemble(county=world.county, kind="weekly", day=MONDAY, now=AFTER_MARCH)
    towns = report.section("towns").rows
    # No., town, reported, share, the week before, change, accepted, resolved locally,
    # dispatched, finished now (A B C I closed, E resolved), overdue now (D)
    assert towns == [[1, "海滨街道", 9, "100.0%", 1, "↑800.0%", 8, 1, 5, 5, 1]]
    assert report.section("matters").rows[0][:3] == [1, "M002 路灯不亮", 9]
    trend = report.section("trend").rows
    assert len(trend) == 8 and trend[-1][:2] == ["03-02 当周", 9] and trend[-2][1] == 1
    # Assignments dispatched that week: D05 A B C1 C2 D I (D still open and overdue), D25
    # A's co-handling (never signed), D07 D's, returned.
    departments = {row[1]: row[2:] for row in report.section("departments").rows}
    assert departments[str(world.dept("D05"))] == [6, 6, 5, 5, 4, 1, 1, 0]
    assert departments[str(world.dept("D25"))] == [1, 0, 0, 0, 0, 0, 0, 0]
    assert departments[str(world.dept("D07"))] == [0, 0, 0, 0, 0, 0, 0, 1]


def test_rankings_are_the_assessment_rankings_of_the_period(world, month):
    report = report_assemble(county=world.county, kind="monthly", day=MONDAY, now=AFTER_MARCH)
    expected = ranking_for_period(county=world.county, kind="department",
                                  period_start=MARCH[0], period_end=MARCH[1])
    rows = report.section("department_ranking").rows
    assert [(r[0], r[1], r[2]) for r in rows] == [(e.rank, e.name, f"{e.score:.2f}")
                                                 for e in expected]
    assert [r[2] for r in rows] == ["14.00", "13.84", "12.16"]
    towns = report.section("town_ranking").rows
    assert towns[0][:3] == [1, "海滨街道", "60.89"]
    assert towns[1][:3] == ["—", "石岭镇", "—"]  # nothing to judge


def test_overdue_list_names_case_department_and_days_without_personal_data(world, month):
    report = report_assemble(county=world.county, kind="daily", day=MONDAY, now=AFTER_MARCH)
    section = report.section("overdue")
    case = month.cases["D"]
    # D05's response clock was due Wednesday 4 March 17:30: 27 days 14.5 hours by 1 April.
    assert section.rows == [[1, case.number, "M002 路灯不亮", "海滨街道", str(world.dept("D05")),
                             "响应", "2026-03-04 17:30", 27.6, "计时中"]]
    text = repr(report_to_json(report))
    assert "张三" not in text and "13912345678" not in text and "路灯不亮。" not in text


def test_summary_sentences_come_from_the_figures(world, month):
    report = report_assemble(county=world.county, kind="monthly", day=MONDAY, now=AFTER_MARCH)
    assert report.summary == [
        "本月共上报事项 9 件，环比上升 800.0%；受理 8 件，其中就地解决 1 件，占 12.5%。",
        "镇街吹哨呼叫 7 件，派至县级部门 5 件。",
        "期内办结 4 件，评价 5 件，满意率 60.00%，上期无可比数据。",
        "结案率 62.50%，按期结案率 75.00%。",
        "上报最多的镇街是海滨街道（9 件，占本期上报的 100.0%）。",
        "事项类型以 M002 路灯不亮 最多（9 件）。",
        "增加最多的是 M002 路灯不亮（比上期多 8 件）。",
        f"截至生成时，全县逾期未办事项 1 件，涉及 1 个部门，其中{world.dept('D05')}最多（1 件）。",
        f"部门考核得分最高的是{world.dept('D07')}（14.00 分），最低的是{world.dept('D05')}"
        f"（12.16 分）。",
        "本期无预警数据。",
    ]


def test_hotspots_and_warnings_say_there_is_no_data_rather_than_guess(world, month):
    report = report_assemble(county=world.county, kind="weekly", day=MONDAY, now=AFTER_MARCH)
    assert report.section("hotspots").rows == []
    assert report.section("hotspots").empty == "本期无热点数据。"
    assert report.section("warnings").empty == "本期无预警数据。"


def test_an_empty_county_says_nothing_was_reported(world):
    report = report_assemble(county=world.county, kind="daily", day=MONDAY, now=AFTER_MARCH)
    assert report.summary[0] == "当日没有上报事项（上期 0 件）。"
    assert "截至生成时，全县没有逾期未办事项。" in report.summary
    assert report.section("towns").rows == []
    assert report.section("overdue").empty == "没有逾期未办的事项。"


def test_a_period_in_progress_is_marked(world, month):
    report = report_assemble(county=world.county, kind="monthly", day=MONDAY,
                             now=MARCH[0].replace(day=20))
    assert report.complete is False


def test_the_report_survives_its_json(world, month):
    report = report_assemble(county=world.county, kind="monthly", day=MONDAY, now=AFTER_MARCH)
    assert report_from_json(report_to_json(report)) == report


@pytest.mark.parametrize(("kind", "day", "field"), [
    ("yearly", MONDAY, "kind"), ("daily", date(2026, 4, 2), "date"),
    ("daily", date(1999, 12, 31), "date")])
def test_bad_kind_or_day_is_refused(world, kind, day, field):
    with pytest.raises(ValidationFailed) as refused:
        report_assemble(county=world.county, kind=kind, day=day, now=AFTER_MARCH)
    assert refused.value.details["field"] == field


def test_periods_and_wording_helpers():
    assert report_period("weekly", date(2026, 3, 8)) == (MONDAY, date(2026, 3, 8))
    assert report_period("monthly", date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert [ordinal(n) for n in (1, 10, 11, 12, 20, 21)] == ["一", "十", "十一", "十二", "二十",
                                                             "二十一"]
    with translation.override("zh-hans"):
        assert change_text(5, 5) == "持平"
        assert change_text(5, 0) == "上期为0"
    assert change_text(3, 4) == "↓25.0%"
    assert change_text(6, 4) == "↑50.0%"
