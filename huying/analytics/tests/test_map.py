"""The county map's selectors (`analytics/map.py`): the base, the filters, the cases in the
viewer's scope (points, truncation, clusters), the density and the towns' counts from the
rollups, and the migration that gave the cell rollup its matter type."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import h3
import pytest
from django.apps import apps
from shapely.geometry import Point, shape

from huying.analytics import map as county_map
from huying.analytics.contribution import cell_of
from huying.analytics.figures import Slice, breakdown
from huying.analytics.models import CellDay, RollupMemo, RollupQueue
from huying.analytics.rollups import rollups_verify
from huying.cases import services as cs
from huying.cases.models import Case, CaseStatus
from huying.cases.tests.conftest import MONDAY, dispatched
from huying.common.errors import PermissionDenied, ValidationFailed
from huying.gazetteer.models import Place, PlaceKind
from huying.org import services as org
from huying.org.models import Level
from tests.factories import World, figures_refresh

DAY = MONDAY.date()


def filters(world: World, **kwargs) -> county_map.MapFilter:
    kwargs.setdefault("first", DAY)
    kwargs.setdefault("last", DAY)
    return county_map.map_filter(county=world.county, today=DAY, **kwargs)


def put(world: World, *, grid: int = 0, by: str = "initiator_a", matter: str = "M002",
        at: tuple[float, float] = (0.5, 0.5), when=MONDAY, title: str = "路灯不亮") -> Case:
    """A registered case at a relative place (0–1, 0–1) inside a grid."""
    ring = world.grids[grid].geometry["coordinates"][0]
    lon = ring[0][0] + (ring[2][0] - ring[0][0]) * at[0]
    lat = ring[0][1] + (ring[2][1] - ring[0][1]) * at[1]
    case = cs.case_report(actor=world.user(by), county=world.county, channel="town",
                          title=title, description="新华路中段连续五六盏路灯不亮。",
                          longitude=lon, latitude=lat, reporter_name="张三",
                          reporter_phone="13912345678", now=when)
    return cs.case_register(case=case, actor=world.user(by), matter_code=matter, now=when)


def numbers(collection: dict) -> set[str]:
    return {f["properties"]["number"] for f in collection["features"]
            if f["properties"]["kind"] == "case"}


# ---------------------------------------------------------------------------------------
# the base


def test_the_town_base_has_the_county_its_towns_and_the_gazetteer_places(world):
    Place.objects.create(county=world.county, name="新华路", kind=PlaceKind.ROAD,
                         unit=world.communities[0], longitude=122.05, latitude=37.05)
    Place.objects.create(county=world.county, name="老街", kind=PlaceKind.UNIT_ALIAS,
                         unit=world.towns[0], longitude=122.05, latitude=37.05)
    Place.objects.create(county=world.county, name="无坐标小区", kind=PlaceKind.COMPOUND,
                         unit=world.grids[0])
    base = county_map.map_base(world.county, Level.TOWN)
    units = [f["properties"] for f in base["features"] if f["properties"]["kind"] == "unit"]
    assert [(u["level"], u["code"]) for u in units] == [
        ("county", world.county.code), *[("town", t.code) for t in world.towns]]
    assert units[1]["parent"] == world.county.code and units[1]["name"] == "海滨街道"
    places = [f for f in base["features"] if f["properties"]["kind"] == "place"]
    # the other name of a unit is no label; a place without a point cannot be written
    assert [p["properties"]["name"] for p in places] == ["新华路"]
    assert places[0]["geometry"] == {"type": "Point", "coordinates": [122.05, 37.05]}


@pytest.mark.parametrize("level, index", [("community", "communities"), ("grid", "grids")])
def test_finer_levels_have_their_units_and_no_places(world, level, index):
    base = county_map.map_base(world.county, level)
    codes = [f["properties"]["code"] for f in base["features"]
             if f["properties"]["level"] == level]
    assert codes == [u.code for u in getattr(world, index)]
    assert all(f["properties"]["kind"] == "unit" for f in base["features"])


def test_a_town_is_simplified_and_labelled_inside_itself(world):
    # A town whose edge wobbles by a few metres at 400 points: the base keeps its shape
    # with far fewer.
    ring = [[122.0 + 0.2 * i / 400, 37.0 + (0.00001 if i % 2 else 0)] for i in range(401)]
    ring += [[122.2, 37.2], [122.0, 37.2], [122.0, 37.0]]
    town = world.towns[0]
    town.geometry = {"type": "Polygon", "coordinates": [ring]}
    town.save(update_fields=["geometry"])
    base = county_map.map_base(world.county, Level.TOWN)
    feature = next(f for f in base["features"] if f["properties"]["code"] == town.code)
    drawn = feature["geometry"]["coordinates"][0]
    assert len(drawn) < 20
    original, simplified = shape(town.geometry), shape(feature["geometry"])
    assert abs(simplified.area - original.area) / original.area < 0.001
    assert original.contains(Point(feature["properties"]["label"]))


def test_a_broken_boundary_is_left_out_not_fatal(world):
    grid = world.grids[1]
    grid.geometry = {"type": "Polygon", "coordinates": [[[122, 37], [122.1, 37.1],
                                                         [122.1, 37], [122, 37.1],
                                                         [122, 37]]]}  # a bow-tie
    grid.save(update_fields=["geometry"])
    base = county_map.map_base(world.county, Level.GRID)
    codes = {f["properties"]["code"] for f in base["features"]}
    assert grid.code not in codes and world.grids[0].code in codes


def test_sea_units_come_with_every_level(world, now):
    sea = org.unit_create(actor=None, parent=world.towns[1], level=Level.COMMUNITY,
                          name="海域社区", geometry={"type": "Polygon", "coordinates": [[
                              [122.4, 37.0], [122.5, 37.0], [122.5, 37.2], [122.4, 37.2],
                              [122.4, 37.0]]]}, now=now)
    sea.is_sea = True
    sea.save(update_fields=["is_sea"])
    base = county_map.map_base(world.county, Level.TOWN)
    found = [f["properties"] for f in base["features"] if f["properties"].get("is_sea")]
    assert [(p["code"], p["level"]) for p in found] == [(sea.code, "community")]
    # the coastal town's name is written on its land, not on its sea
    town = next(f["properties"] for f in base["features"]
                if f["properties"]["code"] == world.towns[1].code)
    assert not shape(sea.geometry).contains(Point(town["label"]))
    assert shape(world.towns[1].geometry).contains(Point(town["label"]))


def test_an_unknown_level_is_refused(world):
    for level in ("county", "cell", "planet"):
        with pytest.raises(ValidationFailed) as refused:
            county_map.map_base(world.county, level)
        assert refused.value.details["field"] == "level"


def test_the_base_costs_three_queries(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        county_map.map_base(world.county, Level.TOWN)
    with django_assert_num_queries(2):
        county_map.map_base(world.county, Level.GRID)


# ---------------------------------------------------------------------------------------
# filters


@pytest.mark.parametrize("kwargs, field", [
    ({"first": DAY, "last": DAY - timedelta(days=1)}, "to"),
    ({"first": date(2000, 1, 1), "last": DAY}, "from"),
    ({"matter_type": "X999"}, "matter_type"),
    ({"status": "lost"}, "status"),
    ({"colour": "purple"}, "colour"),
    ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "a,b,c,d"}, "bbox"),
    ({"bbox": "122.2,37,122,37.2"}, "bbox"),           # west east of east
    ({"bbox": "122,37.2,122.2,37"}, "bbox"),           # south north of north
    ({"bbox": "122,37,200,38"}, "bbox"),
    ({"bbox": "nan,37,122,38"}, "bbox"),
])
def test_bad_filters_are_refused_on_their_field(world, kwargs, field):
    with pytest.raises(ValidationFailed) as refused:
        filters(world, **kwargs)
    assert refused.value.details["field"] == field


def test_without_a_period_the_last_thirty_days(world):
    f = county_map.map_filter(county=world.county, today=DAY)
    assert (f.first, f.last) == (DAY - timedelta(days=29), DAY)
    f = county_map.map_filter(county=world.county, today=DAY, last=date(2026, 1, 31))
    assert (f.first, f.last) == (date(2026, 1, 2), date(2026, 1, 31))


def test_status_groups_and_no_colour(world):
    assert filters(world, status="open").statuses == county_map.OPEN_CASE
    assert filters(world, status="closed").statuses == {"closed"}
    assert filters(world, colour="none").colour == ""


# ---------------------------------------------------------------------------------------
# the cases


def test_a_town_initiator_sees_their_town_and_not_the_others(world):
    a = put(world, grid=0)
    b = put(world, grid=2, by="initiator_b")
    assert numbers(county_map.map_cases(world.user("initiator_a"), world.county,
                                        filters(world))) == {a.number}
    assert numbers(county_map.map_cases(world.user("initiator_b"), world.county,
                                        filters(world))) == {b.number}
    assert numbers(county_map.map_cases(world.user("supervisor"), world.county,
                                        filters(world))) == {a.number, b.number}
    assert numbers(county_map.map_cases(world.user("leader"), world.county,
                                        filters(world))) == {a.number, b.number}


def test_a_responder_sees_only_the_cases_assigned_to_their_department(world):
    case, _assignments = dispatched(world, lead="D05", co=("D25",))
    put(world, grid=1)
    assert numbers(county_map.map_cases(world.user("responder_d05"), world.county,
                                        filters(world))) == {case.number}
    assert numbers(county_map.map_cases(world.user("responder_d25"), world.county,
                                        filters(world))) == {case.number}
    assert numbers(county_map.map_cases(world.user("responder_d07"), world.county,
                                        filters(world))) == set()


def test_a_point_carries_no_personal_data(world):
    case = put(world)
    feature = county_map.map_cases(world.user("supervisor"), world.county,
                                   filters(world))["features"][0]
    p = feature["properties"]
    assert set(p) == {"kind", "number", "title", "colour", "status", "status_label", "stage",
                      "stage_label", "matter", "reported_at"}
    assert (p["number"], p["status"], p["stage"]) == (case.number, "registered", "open")
    assert p["matter"] == {"code": "M002", "name": case.matter_type.name}
    assert feature["geometry"]["coordinates"] == [round(case.longitude, 6),
                                                  round(case.latitude, 6)]
    assert "张三" not in str(feature) and "13912345678" not in str(feature)


def test_filters_choose_the_cases(world):
    lamp = put(world, matter="M002")
    other = put(world, matter="M001", grid=1)
    put(world, when=MONDAY - timedelta(days=3))  # reported before the period
    unlocated = put(world)
    Case.objects.filter(pk=unlocated.pk).update(longitude=None, latitude=None)
    Case.objects.filter(pk=other.pk).update(colour="red", status=CaseStatus.CLOSED)
    user = world.user("supervisor")

    def found(**kwargs):
        return numbers(county_map.map_cases(user, world.county, filters(world, **kwargs)))

    assert found() == {lamp.number, other.number}
    assert found(matter_type="M002") == {lamp.number}
    assert found(status="done") == {other.number}
    assert found(status="open") == {lamp.number}
    assert found(colour="red") == {other.number}
    west, south = world.grids[0].geometry["coordinates"][0][0]
    assert found(bbox=f"{west},{south},{west + 0.1},{south + 0.1}") == {lamp.number}


def test_newest_first_and_truncated_at_the_limit(world, monkeypatch):
    made = [put(world, at=(0.1 * i + 0.05, 0.5), when=MONDAY + timedelta(minutes=i))
            for i in range(4)]
    monkeypatch.setattr(county_map, "POINTS_LIMIT", 3)
    answer = county_map.map_cases(world.user("supervisor"), world.county, filters(world))
    assert answer["truncated"] is True and answer["limit"] == 3
    assert [f["properties"]["number"] for f in answer["features"]] == [
        c.number for c in reversed(made[1:])]
    monkeypatch.setattr(county_map, "POINTS_LIMIT", 4)
    answer = county_map.map_cases(world.user("supervisor"), world.county, filters(world))
    assert answer["truncated"] is False and len(answer["features"]) == 4


def test_zoomed_out_the_cases_come_as_clusters_that_add_up(world):
    near = [put(world, at=(0.5 + 0.01 * i, 0.5)) for i in range(5)]
    alone = put(world, grid=3, by="initiator_b", at=(0.9, 0.9))
    Case.objects.filter(pk=near[0].pk).update(colour="red")
    Case.objects.filter(pk=near[1].pk).update(colour="yellow")
    answer = county_map.map_cases(world.user("supervisor"), world.county, filters(world),
                                  zoom=9)
    assert answer["mode"] == "clusters"
    clusters = [f["properties"] for f in answer["features"]
                if f["properties"]["kind"] == "cluster"]
    assert len(clusters) == 1
    assert clusters[0]["count"] == 5 and clusters[0]["open"] == 5
    assert clusters[0]["colour"] == "red"  # the worst colour inside
    assert clusters[0]["colours"]["red"] == 1 and clusters[0]["colours"]["yellow"] == 1
    # a square holding one case answers the case itself
    assert numbers(answer) == {alone.number}
    fine = county_map.map_cases(world.user("supervisor"), world.county, filters(world),
                                zoom=county_map.CLUSTER_BELOW_ZOOM)
    assert fine["mode"] == "points" and len(fine["features"]) == 6


def test_clusters_are_scoped_like_points(world):
    for i in range(3):
        put(world, grid=2, by="initiator_b", at=(0.2 + 0.1 * i, 0.5))
    answer = county_map.map_cases(world.user("initiator_a"), world.county, filters(world),
                                  zoom=9)
    assert answer["features"] == []


def test_a_zoom_outside_the_maps_range_is_refused(world):
    for zoom in (-1, 23):
        with pytest.raises(ValidationFailed):
            county_map.map_cases(world.user("supervisor"), world.county, filters(world),
                                 zoom=zoom)


def test_the_cases_cost_constant_queries(world, django_assert_num_queries):
    user = world.user("supervisor")
    put(world)
    county_map.map_cases(user, world.county, filters(world))  # the user's places, cached
    with django_assert_num_queries(1):
        county_map.map_cases(user, world.county, filters(world))
    for i in range(6):
        put(world, at=(0.1 * i + 0.05, 0.3))
        put(world, grid=3, by="initiator_b", at=(0.1 * i + 0.05, 0.3))
    with django_assert_num_queries(1):
        county_map.map_cases(user, world.county, filters(world))
    with django_assert_num_queries(2):
        county_map.map_cases(user, world.county, filters(world), zoom=12)


# ---------------------------------------------------------------------------------------
# from the rollups


def spread(world: World) -> list[Case]:
    """Cases in both towns, at several cells, of two matters."""
    cases = [put(world, grid=0, at=(0.1, 0.1)), put(world, grid=0, at=(0.1, 0.1)),
             put(world, grid=0, at=(0.9, 0.9), matter="M001"),
             put(world, grid=1, at=(0.5, 0.5)),
             put(world, grid=2, by="initiator_b", at=(0.5, 0.5)),
             put(world, grid=3, by="initiator_b", at=(0.3, 0.7), matter="M001")]
    figures_refresh(MONDAY)
    return cases


def test_the_density_is_the_rollups_cells(world):
    cases = spread(world)
    answer = county_map.map_density(world.user("leader"), world.county, filters(world))
    got = {f["properties"]["cell"]: f["properties"]["count"] for f in answer["features"]}
    rows = breakdown(Slice(county=world.county, first=DAY, last=DAY), "cell")
    assert got == {r.key: r["received"] for r in rows if r.key}
    expected: dict[str, int] = {}
    for case in cases:
        cell = cell_of(case.longitude, case.latitude)
        expected[cell] = expected.get(cell, 0) + 1
    assert got == expected
    assert answer["max"] == 2
    first = answer["features"][0]
    assert first["properties"]["count"] == 2  # most first
    ring = first["geometry"]["coordinates"][0]
    assert len(ring) == 7 and ring[0] == ring[-1]  # a closed hexagon, (lng, lat)
    lat, lng = h3.cell_to_latlng(first["properties"]["cell"])
    assert shape(first["geometry"]).contains(Point(lng, lat))


def test_the_density_of_one_matter(world):
    cases = spread(world)
    answer = county_map.map_density(world.user("leader"), world.county,
                                    filters(world, matter_type="M001"))
    assert {f["properties"]["cell"] for f in answer["features"]} == {
        cell_of(c.longitude, c.latitude) for c in cases if c.matter_type.code == "M001"}


def test_a_town_sees_the_density_of_its_own_town(world):
    cases = spread(world)
    answer = county_map.map_density(world.user("reviewer_a"), world.county, filters(world))
    assert {f["properties"]["cell"] for f in answer["features"]} == {
        cell_of(c.longitude, c.latitude) for c in cases if c.town_id == world.towns[0].pk}


def test_a_town_map_opens_on_the_users_towns(world):
    assert county_map.map_focus(world.user("initiator_b"), world.county) == [
        world.towns[1].code]
    assert county_map.map_focus(world.user("grid_a"), world.county) == [world.towns[0].code]
    for who in ("supervisor", "leader", "responder_d05", "volunteer_1"):
        assert county_map.map_focus(world.user(who), world.county) == [], who


def test_departments_and_volunteers_get_no_density(world):
    spread(world)
    for who in ("responder_d05", "volunteer_1"):
        with pytest.raises(PermissionDenied):
            county_map.map_density(world.user(who), world.county, filters(world))
        assert county_map.map_may_read_rollups(world.user(who), world.county) is False
    assert county_map.map_may_read_rollups(world.user("leader"), world.county) is True
    assert county_map.map_may_read_rollups(world.user("reviewer_a"), world.county) is True


def test_the_density_costs_constant_queries(world, django_assert_num_queries):
    spread(world)
    leader = world.user("leader")
    county_map.map_density(leader, world.county, filters(world))
    with django_assert_num_queries(1):
        county_map.map_density(leader, world.county, filters(world))
    for i in range(5):
        put(world, grid=3, by="initiator_b", at=(0.15 * i + 0.1, 0.2))
    figures_refresh(MONDAY)
    with django_assert_num_queries(1):
        county_map.map_density(leader, world.county, filters(world))


def test_the_towns_counts(world):
    spread(world)
    counts = {t.code: t for t in county_map.map_town_counts(world.user("leader"),
                                                            world.county, filters(world))}
    a, b = world.towns
    assert counts[a.code].measures["received"] == 4 and counts[b.code].measures["open"] == 2
    assert counts[a.code].name == a.name
    mine = county_map.map_town_counts(world.user("initiator_b"), world.county, filters(world))
    assert [t.code for t in mine] == [b.code]
    red = county_map.map_town_counts(world.user("leader"), world.county,
                                     filters(world, colour="red"))
    assert red == []


# ---------------------------------------------------------------------------------------
# the migration that gave the cell rollup its matter type


def test_the_migration_requeues_the_cases_whose_cells_it_forgets(world):
    """A database of before the migration: each case's memo holds cell entries keyed
    (county, day, town, cell). The migration empties the cell table, drops those entries
    and queues the cases; their next refresh counts the cells again, with the matter."""
    module = importlib.import_module("huying.analytics.migrations.0004_cell_matter_type")
    cases = spread(world)
    for memo in RollupMemo.objects.all():
        memo.entries = [[t, [*key[:3], key[4]] if t == "CellDay" else key, m]
                        for t, key, m in memo.entries]
        memo.save(update_fields=["entries"])
    unplaced = put(world)
    Case.objects.filter(pk=unplaced.pk).update(longitude=None, latitude=None)
    figures_refresh(MONDAY)
    module.forget_old_cells(apps, None)
    assert not CellDay.objects.exists()
    assert set(RollupQueue.objects.values_list("case_id", flat=True)) == {c.pk for c in cases}
    assert all(e[0] != "CellDay" for m in RollupMemo.objects.all() for e in m.entries)
    assert figures_refresh(MONDAY) == len(cases)
    assert rollups_verify(now=MONDAY) == []
