"""The resolution rule: the deepest unit consistent with the names found, a confidence,
and nothing rather than a guess when the words disagree or are ambiguous."""

from __future__ import annotations

import pytest
from django.utils import translation

from huying.gazetteer.locating import locate_text


def where(world, text: str, address: str = "", **kwargs):
    return locate_text(world.county, text, address, **kwargs)


def test_a_compound_gives_its_grid_with_its_path_and_words(world):
    result = where(world, "就在锦华小区3号楼后面，路灯坏了好几天")
    assert result.unit == world.grids[0]
    assert result.path == ("示范市", "海滨街道", "海滨街道第一社区", "海滨街道网格1")
    assert result.words == ("锦华小区",) and result.confidence == pytest.approx(0.9)


def test_a_compound_and_a_road_of_the_same_community_give_the_compound_s_grid(world):
    result = where(world, "滨河东路锦华小区北门外面垃圾堆了一地")
    assert result.unit == world.grids[0]
    assert set(result.words) == {"锦华小区", "滨河东路"}
    assert not result.conflict


def test_the_longest_name_wins_over_the_names_inside_it(world):
    # 滨河东路 contains no other name; 锦华小区 contains the weak stem 锦华.
    assert where(world, "锦华小区").words == ("锦华小区",)


def test_a_town_and_a_compound_of_another_town_prefer_the_compound_less_sure(world):
    result = where(world, "石岭镇那边，锦华小区门口")
    assert result.unit == world.grids[0] and result.conflict
    assert result.confidence < where(world, "锦华小区门口").confidence


def test_two_compounds_of_different_towns_are_a_conflict_and_stay_unresolved(world):
    result = where(world, "锦华小区还是翠竹花园，我也说不清")
    assert result.unit is None and result.conflict


def test_a_name_shared_by_two_towns_is_resolved_by_the_other_words(world):
    assert where(world, "幸福里小区停车难").unit is None
    assert where(world, "石岭镇幸福里小区停车难").unit == world.grids[2]
    assert where(world, "海滨街道的幸福里小区").unit == world.grids[0]


def test_a_name_twice_in_one_community_locates_the_community(world):
    result = where(world, "海景公寓楼道灯坏了")
    assert result.unit == world.communities[0]
    assert result.confidence <= 0.65


def test_an_alias_names_its_place(world):
    assert where(world, "老粮站小区后门").unit == world.grids[1]
    assert where(world, "市医院急诊楼旁边").unit == world.grids[2]


def test_units_are_names_with_generated_aliases(world):
    assert where(world, "石岭镇第一社区居民反映").unit == world.communities[1]
    assert where(world, "东关居委会门前").unit == world.communities[2]


def test_a_short_stem_alone_is_not_enough(world):
    result = where(world, "东关那边有人占道经营")
    assert result.unit is None and result.best == world.communities[2]


def test_a_short_stem_confirms_a_place(world):
    result = where(world, "东关菜市场门口占道经营")
    assert result.unit == world.grids[4]


def test_a_typo_alone_is_not_trusted_but_with_its_community_it_is(world):
    alone = where(world, "锦化小区门口路灯坏了")
    assert alone.unit is None and alone.best == world.grids[0]
    confirmed = where(world, "海滨街道第一社区锦化小区门口")
    assert confirmed.unit == world.grids[0]


def test_the_address_outweighs_the_description(world):
    result = where(world, "之前在翠竹花园也反映过", address="锦华小区5号楼")
    assert result.unit == world.grids[0] and result.conflict


def test_text_naming_no_known_place_stays_unresolved(world):
    with translation.override("zh-hans"):
        result = where(world, "我家楼下的下水道堵了，味道很大，请尽快处理")
        assert result.unit is None and result.words == ()
        assert str(result.reason) == "文字中没有已知的地名。"


def test_full_width_digits_and_spaces_do_not_hide_a_name(world):
    assert where(world, "锦华 小区３号楼").unit == world.grids[0]


def test_the_threshold_decides(world, settings):
    settings.HUYING_LOCATE_MIN_CONFIDENCE = 0.95
    result = where(world, "锦华小区")
    assert result.unit is None and result.best == world.grids[0]
    assert where(world, "锦华小区", threshold=0.5).unit == world.grids[0]
