from huying.gazetteer.models import PlaceKind
from huying.gazetteer.names import normalise, place_aliases, unit_aliases
from huying.org.models import Level


def texts(aliases) -> dict[str, bool]:
    return {a.text: a.weak for a in aliases}


def test_towns_communities_villages_and_grids_get_the_names_people_use():
    assert texts(unit_aliases("城关镇", Level.TOWN)) == {"城关": True}
    assert "海滨" in texts(unit_aliases("海滨街道", Level.TOWN))
    assert texts(unit_aliases("东关社区", Level.COMMUNITY))["东关"] is True
    assert "东关居委会" in texts(unit_aliases("东关社区", Level.COMMUNITY))
    village = texts(unit_aliases("王家疃村", Level.COMMUNITY))
    assert village["王家疃"] is False and "王家疃村委会" in village
    grid = texts(unit_aliases("东关社区第3网格", Level.GRID))
    assert {"东关社区3网格", "东关3网格", "东关第3网格"} <= set(grid)


def test_compounds_lose_their_suffix_and_roads_their_direction():
    assert texts(place_aliases("锦华小区", PlaceKind.COMPOUND)) == {"锦华": True}
    assert texts(place_aliases("滨河东路", PlaceKind.ROAD)) == {"滨河路": False}
    assert place_aliases("人民路", PlaceKind.ROAD) == []
    assert place_aliases("人民医院", PlaceKind.LANDMARK) == []


def test_normalising_folds_width_case_and_blanks():
    assert normalise(" 锦华 小区３号楼 ＡＢ ") == "锦华小区3号楼ab"
