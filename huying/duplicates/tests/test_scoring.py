"""The scorer on its own: the hard negatives, cross-channel duplicates, the reasons, the
caps, reports without a point, and the matter guesser plugging in."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from huying.common.messages import render
from huying.duplicates.scoring import Limits, Side, haversine_m, judge

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 5, 11, 8, 30, tzinfo=TZ)
LON, LAT = 121.40, 37.52
METRE = 1 / 111_320
RELATED = frozenset({frozenset({"M044", "M045"})})

CALLER = ("你好，我要反映一下，我们楼下那个十字路口的自来水管子好像爆了，水哗哗地往外冒，"
          "人行道都淹了，老人孩子都过不去，麻烦你们快点派人来")
GRID = "路口东南角供水管破裂漏水，路面积水。"
LIGHTS = "路口那几盏路灯晚上全不亮，黑乎乎的，走路很危险"


def side(text: str, *, hours: float = 0, north_m: float = 0, channel: str = "12345",
         matter: str | None = None, point: bool = True, **extra) -> Side:
    return Side(text=text, channel=channel, reported_at=T0 + timedelta(hours=hours),
                longitude=LON if point else None,
                latitude=LAT + north_m * METRE if point else None, matter=matter, **extra)


def test_the_same_burst_pipe_from_a_caller_and_a_grid_worker_is_a_duplicate():
    verdict = judge(side(CALLER), side(GRID, hours=3, north_m=60, channel="grid"))
    assert verdict.score >= 0.8
    assert verdict.matter == "unknown"


def test_a_report_forwarded_word_for_word_is_a_duplicate_without_help_of_the_thesaurus():
    # Out-of-season fish at a market: nothing the thesaurus knows; the words alone agree.
    text = "早市上有人在卖刚捕的新鲜海鱼，说是昨晚船上下来的，现在不是休渔期吗？"
    verdict = judge(side(f"市民来电反映：{text}"), side(text, hours=9, north_m=27,
                                                          channel="city_management"))
    assert verdict.score >= 0.9 and verdict.text >= 0.95


def test_another_problem_at_the_same_corner_is_not_a_duplicate():
    verdict = judge(side(CALLER), side(LIGHTS, hours=2, north_m=10))
    assert verdict.score < 0.5


def test_a_recorded_different_matter_caps_the_score_whatever_the_text():
    verdict = judge(side(GRID, matter="M089"), side(GRID, hours=1, matter="M002"))
    assert verdict.score <= 0.05
    assert verdict.matter == "different"


def test_the_same_matter_at_the_same_place_weeks_later_is_a_new_occurrence():
    verdict = judge(side(GRID, matter="M089"), side(GRID, hours=24 * 21, matter="M089"))
    assert verdict.score <= 0.05


def test_the_same_building_with_a_different_problem_is_not_a_duplicate():
    lift = side("阳光花园5号楼的电梯又坏了，卡在七楼不动，老人上不去楼")
    stairs = side("阳光花园5号楼楼道里堆满纸箱和旧家具，着火了人都跑不出去", hours=5,
                  north_m=5)
    assert judge(lift, stairs).score < 0.5
    assert judge(lift, side("5号楼电梯故障停运，居民反映强烈。", hours=5,
                            channel="grid")).score >= 0.5


def test_beyond_the_radius_nothing_is_a_duplicate():
    assert judge(side(CALLER), side(GRID, hours=1, north_m=400)).score <= 0.05
    wide = Limits(radius_m=600)
    assert judge(side(CALLER), side(GRID, hours=1, north_m=400), limits=wide).score > 0.5


def test_a_related_matter_scores_almost_like_the_same():
    flooded = side("城区道路积水内涝，车辆无法通行", matter="M044")
    same = judge(flooded, side("路口积水很深，车过不去", hours=2, matter="M044"))
    related = judge(flooded, side("路口积水很深，车过不去", hours=2, matter="M045"),
                    relations=RELATED)
    unrelated = judge(flooded, side("路口积水很深，车过不去", hours=2, matter="M045"))
    assert same.score > related.score > unrelated.score
    assert related.matter == "related" and unrelated.matter == "different"


def test_without_points_the_same_grid_counts_for_less_than_nearness():
    near = judge(side(CALLER), side(GRID, hours=2, channel="grid"))
    same_grid = judge(side(CALLER, point=False, grid="g1"),
                      side(GRID, hours=2, point=False, grid="g1"))
    unknown = judge(side(CALLER, point=False), side(GRID, hours=2, point=False))
    assert near.score > same_grid.score > unknown.score
    assert same_grid.distance_m is None


def test_the_reasons_read_in_chinese():
    verdict = judge(side(CALLER, matter="M089", matter_name="停水及供水管网漏水",
                         channel_name="12345热线"),
                    side(GRID, hours=5, north_m=80, channel="grid", matter="M089",
                         matter_name="停水及供水管网漏水", channel_name="网格通"))
    with translation.override("zh-hans"):
        reasons = [render(r) for r in verdict.reasons]
    assert reasons[:3] == ["相距 80 米", "间隔 5 小时", "同一事项：停水及供水管网漏水"]
    assert reasons[3].startswith("文字相似 0.")
    assert reasons[4] == "不同渠道：12345热线 / 网格通"


def test_a_guessed_matter_helps_and_a_guessed_difference_weighs_against():
    def guess(text: str) -> str | None:
        return "M089" if "水" in text else "M002"

    plain = judge(side(CALLER), side(GRID, hours=3, north_m=60))
    guessed = judge(side(CALLER), side(GRID, hours=3, north_m=60), guess=guess)
    assert guessed.matter == "same" and guessed.score > plain.score
    against = judge(side(CALLER), side(LIGHTS, hours=2), guess=guess)
    assert against.matter == "different"
    # A guess is not a record: it lowers the score but does not cap it.
    assert 0.0 < against.score < judge(side(CALLER), side(LIGHTS, hours=2)).score


@pytest.mark.parametrize(("north_m", "expected"), [(0, 0), (100, 100), (1000, 1000)])
def test_haversine_measures_metres(north_m, expected):
    measured = haversine_m((LON, LAT), (LON, LAT + north_m * METRE))
    assert measured == pytest.approx(expected, rel=0.005, abs=0.5)
