"""重复件数: the reports of the period merged into another case, for the county, a town and
per channel; shown with the other indicators (API, page)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from huying.analytics import indicators as ind
from huying.cases import services as cs
from huying.cases.models import Case
from tests.factories import figures_refresh

TZ = ZoneInfo("Asia/Shanghai")
MARCH = (datetime(2026, 3, 1, tzinfo=TZ), datetime(2026, 4, 1, tzinfo=TZ))


def reported(world, *, grid: int, channel: str, at: datetime) -> Case:
    lon, lat = world.point_in(grid)
    return cs.case_report(actor=world.user("supervisor"), county=world.county, channel=channel,
                          title="水管爆了", description="路口水管爆了", longitude=lon,
                          latitude=lat, now=at)


@pytest.fixture
def month(world, now):
    day = datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    masters = [reported(world, grid=0, channel="12345", at=day),
               reported(world, grid=2, channel="12345", at=day)]
    merged = [reported(world, grid=0, channel="grid", at=day + timedelta(hours=1)),
              reported(world, grid=0, channel="12345", at=day + timedelta(hours=2)),
              reported(world, grid=2, channel="grid", at=day + timedelta(hours=3))]
    for case, master in zip(merged, [masters[0], masters[0], masters[1]], strict=True):
        cs.case_merge(case=case, into=master, actor=world.user("supervisor"),
                      now=day + timedelta(hours=4))
    # Reported in February, merged in March: counts in February, as every case indicator.
    before = reported(world, grid=0, channel="grid", at=datetime(2026, 2, 27, 9, tzinfo=TZ))
    cs.case_merge(case=before, into=masters[0], actor=world.user("supervisor"), now=day)
    reported(world, grid=0, channel="web", at=day)  # not merged
    figures_refresh(day)
    return masters, merged


def test_the_county_counts_the_merged_reports_of_the_period(world, month):
    value = ind.duplicate_count(ind.Scope(county=world.county), *MARCH)
    assert (value.numerator, value.denominator) == (3, 6)


def test_a_town_counts_its_own(world, month):
    town = ind.duplicate_count(ind.Scope(county=world.county, town=world.towns[1]), *MARCH)
    assert (town.numerator, town.denominator) == (1, 2)


def test_per_channel_in_one_read(world, month, django_assert_max_num_queries):
    # one read of the rollups, and the channels' names unless cached
    with django_assert_max_num_queries(2):
        by_channel = ind.duplicate_count_by_channel(ind.Scope(county=world.county), *MARCH)
    assert {code: (r.numerator, r.denominator) for code, r in by_channel.items()} == {
        "12345": (1, 3), "grid": (2, 2), "web": (0, 1)}


def test_shown_with_the_other_indicators(world, month):
    values = {v.code: v for v in ind.indicators_for(ind.Scope(county=world.county), *MARCH)}
    assert values["duplicate_count"].name == "重复件数"
    assert values["duplicate_count"].display == "3/6（50.00%）"
    client = Client()
    client.force_login(world.user("leader"))
    response = client.get("/api/v1/analytics/indicators?from=2026-03-01&to=2026-03-31")
    item = next(i for i in response.json()["indicators"] if i["code"] == "duplicate_count")
    assert (item["numerator"], item["denominator"]) == (3, 6)
    page = client.get("/assessment/indicators?period=month&month=2026-03").content.decode()
    assert "重复件数" in page
