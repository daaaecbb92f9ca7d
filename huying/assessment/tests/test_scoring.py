"""Deductions derived from the facts, scores recomputed from the ledger, appeals, schemes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from huying.analytics.periods import period_bounds, period_label
from huying.analytics.tests.scenario import (
    AFTER_MARCH,
    MARCH,
    at,
    build_march,
    dispatch,
    evaluate,
    sign_reply,
)
from huying.assessment.models import Deduction, DeductionStatus, Scheme, SchemeKind
from huying.assessment.selectors import department_score, ranking_for_period
from huying.assessment.services import (
    appeal_decide,
    appeal_submit,
    deduction_record,
    deductions_from_facts,
    scheme_default,
)
from huying.cases.models import Rating
from huying.common.errors import PermissionDenied, TransitionNotAllowed
from tests.factories import figures_refresh

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def march(world):
    scenario = build_march(world)
    deductions_from_facts(county=world.county, start=MARCH[0], end=MARCH[1], now=AFTER_MARCH)
    return scenario


def ledger(world) -> list[tuple[str, str, str, Decimal]]:
    return sorted((d.department.code, d.case.number, d.rule, d.points)
                  for d in Deduction.objects.select_related("department", "case"))


def test_deductions_from_the_facts(world, march):
    c = {k: v.number for k, v in march.cases.items()}
    # M002 is green: weight 0.8 on the default base points (0.2 signing/response,
    # 0.5 completion, 0.2 basically satisfied, 0.5 unsatisfied).
    assert ledger(world) == sorted([
        ("D05", c["B"], "sign_breach", Decimal("0.16")),
        ("D05", c["B"], "respond_breach", Decimal("0.16")),
        ("D05", c["B"], "complete_breach", Decimal("0.40")),
        ("D05", c["B"], "rating_basically_satisfied", Decimal("0.16")),
        ("D05", c["C"], "rating_unsatisfied", Decimal("0.40")),
        ("D05", c["D"], "respond_breach", Decimal("0.16")),  # still open at the month's end
        ("D05", c["D"], "complete_breach", Decimal("0.40")),
        ("D25", c["A"], "sign_breach", Decimal("0.16")),     # never signed before the close
    ])


def test_deriving_twice_gives_the_same_ledger(world, march):
    before = ledger(world)
    keys = set(Deduction.objects.values_list("source_key", flat=True))
    run = deductions_from_facts(county=world.county, start=MARCH[0], end=MARCH[1],
                                now=AFTER_MARCH)
    assert run.created == 0 and run.examined == 8
    assert ledger(world) == before
    assert set(Deduction.objects.values_list("source_key", flat=True)) == keys


def test_deduction_record_is_idempotent_by_source_key(world, march, now):
    case = march.cases["B"]
    first = deduction_record(department=world.dept("D05"), case=case, rule="interview",
                             points=Decimal("1"), reason="约谈", now=now, source_key="x:1")
    again = deduction_record(department=world.dept("D05"), case=case, rule="interview",
                             points=Decimal("3"), reason="约谈", now=now, source_key="x:1")
    assert again.pk == first.pk and again.points == Decimal("1.00")
    assert first.colour == case.colour == "green"


def recompute(world, start, end) -> dict[str, Decimal]:
    """The score straight from the ledger: 4 + 6 + 4 less the active deductions of each
    dimension, each dimension at least 0."""
    lost: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for d in Deduction.objects.filter(status=DeductionStatus.ACTIVE, occurred_at__gte=start,
                                      occurred_at__lt=end).select_related("department"):
        lost[d.department.code][d.dimension] += d.points
    maxima = {"signing": Decimal(4), "handling": Decimal(6), "satisfaction": Decimal(4)}
    return {code: sum(max(maxima[k] - lost[code][k], Decimal(0)) for k in maxima)
            for code in ("D05", "D07", "D25")}


def ranking(world, **kwargs) -> list[tuple[int, str, Decimal]]:
    rows = ranking_for_period(county=world.county, kind="department", period_start=MARCH[0],
                              period_end=MARCH[1], **kwargs)
    return [(row.rank, row.code, row.score) for row in rows]


def test_ranking_equals_the_score_recomputed_from_the_ledger(world, march):
    expected = recompute(world, *MARCH)
    assert expected == {"D05": Decimal("12.16"), "D07": Decimal(14), "D25": Decimal("13.84")}
    rows = ranking(world)
    assert rows == [(1, "D07", Decimal("14.00")), (2, "D25", Decimal("13.84")),
                    (3, "D05", Decimal("12.16"))]
    for _rank, code, score in rows:
        breakdown = department_score(department=world.dept(code), start=MARCH[0], end=MARCH[1])
        assert breakdown.score == score == expected[code]
        assert breakdown.score == 14 - breakdown.lost  # every lost point is a listed deduction
        assert all(d.case_id for d in breakdown.deductions)


def test_an_upheld_appeal_changes_score_and_ranking(world, march, now):
    # A supervision interview costs D25 1.5 points: D25 12.34 is just above D05 12.16.
    deduction_record(department=world.dept("D25"), case=march.cases["A"], rule="interview",
                     points=Decimal("1.5"), reason="约谈", now=at(10, 9),
                     source_key="interview:test")
    assert [code for _r, code, _s in ranking(world)] == ["D07", "D25", "D05"]
    late = Deduction.objects.get(department=world.dept("D05"), rule="complete_breach",
                                 case=march.cases["B"])
    with pytest.raises(PermissionDenied):  # another department's deduction
        appeal_submit(actor=world.user("responder_d25"), deduction=late, reason="x",
                      now=at(20, 9))
    appeal = appeal_submit(actor=world.user("head_d05"), deduction=late,
                           reason="已申请延期，系统未及时登记", now=at(20, 9))
    with pytest.raises(TransitionNotAllowed):
        appeal_submit(actor=world.user("responder_d05"), deduction=late, reason="再次",
                      now=at(20, 10))
    with pytest.raises(PermissionDenied):  # only supervisors decide
        appeal_decide(actor=world.user("head_d05"), appeal=appeal, uphold=True, note="",
                      now=at(21, 9))
    appeal_decide(actor=world.user("supervisor"), appeal=appeal, uphold=True, note="属实",
                  now=at(21, 9))
    late.refresh_from_db()
    assert late.status == DeductionStatus.WITHDRAWN
    expected = recompute(world, *MARCH)
    assert expected["D05"] == Decimal("12.56")
    assert ranking(world) == [(1, "D07", Decimal("14.00")), (2, "D05", Decimal("12.56")),
                              (3, "D25", Decimal("12.34"))]
    breakdown = department_score(department=world.dept("D05"), start=MARCH[0], end=MARCH[1])
    assert breakdown.score == Decimal("12.56") and late not in breakdown.deductions
    # Deriving again does not bring the withdrawn deduction back.
    deductions_from_facts(county=world.county, start=MARCH[0], end=MARCH[1], now=AFTER_MARCH)
    late.refresh_from_db()
    assert late.status == DeductionStatus.WITHDRAWN


def test_colour_weights_come_from_the_scheme(world, march):
    scheme = scheme_default()
    scheme.weight_green = Decimal("0.5")
    scheme.save()
    Deduction.objects.all().delete()
    deductions_from_facts(county=world.county, start=MARCH[0], end=MARCH[1], now=AFTER_MARCH)
    assert Deduction.objects.get(department=world.dept("D25")).points == Decimal("0.10")


def test_departments_by_town_evaluation(world, march):
    rows = ranking(world, by="town_evaluation")
    # D05 led A B C C I: 3 of 5 (very) satisfied; D25 and D07 led nothing evaluated.
    assert rows[0] == (1, "D05", Decimal("60.00"))
    assert {code: score for _r, code, score in rows[1:]} == {"D07": None, "D25": None}


def test_beijing_weights_change_the_ranking(world):
    # X: D05 answers at once but the town is only basically satisfied.
    x, (x_lead,) = dispatch(world, lead="D05")
    sign_reply(world, x_lead, signed=at(0, 10), replied=at(0, 15))
    evaluate(world, x, Rating.BASICALLY_SATISFIED, at(1, 9))
    # Y: D01 answers after the response limit, and the town is very satisfied.
    y, (y_lead,) = dispatch(world, lead="D01")
    sign_reply(world, y_lead, signed=at(0, 10), replied=at(3, 10))
    evaluate(world, y, Rating.VERY_SATISFIED, at(4, 9))
    figures_refresh(at(4, 10))

    def scheme(response: str, satisfaction: str) -> Scheme:
        return Scheme.objects.create(name=f"北京 {response}/{satisfaction}",
                                     kind=SchemeKind.BEIJING, weight_response=Decimal(response),
                                     weight_resolution=Decimal(0),
                                     weight_satisfaction=Decimal(satisfaction))

    by_response = ranking(world, scheme=scheme("1", "0"))
    assert by_response == [(1, "D05", Decimal("14.00")), (2, "D01", Decimal("0.00"))]
    by_satisfaction = ranking(world, scheme=scheme("0", "1"))
    assert by_satisfaction == [(1, "D01", Decimal("14.00")), (2, "D05", Decimal("0.00"))]
    balanced = department_score(department=world.dept("D05"), start=MARCH[0], end=MARCH[1],
                                scheme=scheme("0.1", "0.45"))
    rates = {d.code: d.rate.fraction for d in balanced.dimensions}
    assert rates == {"response": "1/1", "resolution": "1/1", "satisfaction": "0/1"}


def test_towns_and_grid_workers(world, march):
    towns = ranking_for_period(county=world.county, kind="town", period_start=MARCH[0],
                               period_end=MARCH[1])
    first, second = towns
    assert (first.code, first.rank, second.rank, second.score) == (
        world.towns[0].code, 1, 2, None)
    # 0.3·5/8 + 0.3·3/4 + 0.2·1/8 + 0.2·6/7 = 0.60893… → 60.89
    assert first.score == Decimal("60.89")
    workers = ranking_for_period(county=world.county, kind="grid_worker",
                                 period_start=MARCH[0], period_end=MARCH[1],
                                 town=world.towns[0])
    assert [(w.code, w.rank, w.score) for w in workers] == [("grid_a", 1, Decimal(3)),
                                                           ("grid_a2", 2, Decimal(0))]


@pytest.mark.parametrize(("kind", "day", "first", "after"), [
    ("day", date(2026, 11, 15), date(2026, 11, 15), date(2026, 11, 16)),
    ("week", date(2026, 11, 15), date(2026, 11, 9), date(2026, 11, 16)),
    ("half_month", date(2026, 11, 15), date(2026, 11, 1), date(2026, 11, 16)),
    ("half_month", date(2026, 11, 16), date(2026, 11, 16), date(2026, 12, 1)),
    ("month", date(2026, 12, 31), date(2026, 12, 1), date(2027, 1, 1)),
])
def test_period_bounds(kind, day, first, after):
    start, end = period_bounds(kind, day)
    assert start == datetime.combine(first, datetime.min.time(), tzinfo=TZ)
    assert end == datetime.combine(after, datetime.min.time(), tzinfo=TZ)


def test_period_labels():
    assert period_label("half_month", date(2026, 11, 15)) == "2026年11月上半月"
    assert period_label("half_month", date(2026, 11, 20)) == "2026年11月下半月"
    assert period_label("month", date(2026, 11, 20)) == "2026年11月"
