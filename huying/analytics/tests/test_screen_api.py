"""GET /api/v1/screen/…: the big screen's feeds — who may read them, their shapes, Chinese
labels, clear refusals of bad parameters, and query counts that do not grow with the data."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from huying.analytics.models_warnings import EarlyWarning, WarningKind
from huying.analytics.tests.scenario import TZ, build_march
from huying.analytics.tests.test_screen import a_warning, more_cases, overdue_at_the_end_of_march
from huying.cases.locating import locator_for
from huying.cases.models import Case
from huying.org import services as org
from huying.org.models import Level, Role
from tests.factories import person, square

# The evening of 31 March: "this month" is the hand-built March.
EVENING = datetime(2026, 3, 31, 20, 0, tzinfo=TZ)
PANELS = ("counters", "trend", "channels", "towns", "departments", "density", "hot-cases",
          "warnings")


@pytest.fixture
def march(world):
    scenario = build_march(world)
    overdue_at_the_end_of_march(world)
    return scenario


@pytest.fixture(autouse=True)
def evening():
    with time_machine.travel(EVENING, tick=False):
        yield


def get(client, panel: str, query: str = ""):
    return client.get(f"/api/v1/screen/{panel}{'?' + query if query else ''}")


@pytest.mark.parametrize("user", ["leader", "supervisor", "admin"])
def test_the_county_roles_read_every_panel(world, march, api_as, user):
    client = api_as(user)
    for panel in PANELS:
        answer = get(client, panel)
        assert answer.status_code == 200, (panel, answer.content)
        body = answer.json()
        assert body["county"] == world.county.code and body["county_name"] == "示范市"


def test_the_answers_in_chinese_with_known_figures(world, march, api_as):
    leader = api_as("leader")
    counters = get(leader, "counters").json()
    assert counters["period"] == {"code": "month", "label": "本月", "first": "2026-03-01",
                                  "last": "2026-03-31"}
    chain = {item["code"]: item for item in counters["items"]}
    assert chain["received"] == {"code": "received", "label": "受理", "today": 0,
                                 "period": 9}
    assert [chain[c]["period"] for c in ("called_up", "signed", "responded", "completed")
            ] == [5, 5, 4, 4]

    trend = get(leader, "trend").json()
    assert len(trend["points"]) == 30 and trend["last"] == "2026-03-31"
    assert [s["label"] for s in trend["series"]] == ["受理", "基层办结", "派至部门", "已办结"]
    assert trend["points"][0]["values"]["received"] == 9  # 2 March

    channels = get(leader, "channels").json()
    assert channels["total"] == 9
    assert {i["code"]: i["count"] for i in channels["items"]} == {"town": 8, "grid": 1}

    towns = get(leader, "towns").json()["items"]
    assert [(t["name"], t["received"], t["done"], t["overdue"]) for t in towns] == [
        (world.towns[0].name, 9, 5, 1), (world.towns[1].name, 0, 0, 0)]
    assert towns[0]["done_rate"]["percent"] == "55.56%"

    departments = get(leader, "departments").json()["items"]
    assert departments[0]["code"] == "D05" and departments[0]["on_time"]["percent"] == "80.00%"
    assert departments[0]["satisfaction"]["numerator"] == 3

    density = get(leader, "density").json()
    assert density["cells"]["type"] == "FeatureCollection" and density["max"] == 9
    assert density["cells"]["features"][0]["geometry"]["type"] == "Polygon"


def test_hot_cases_and_warnings_link_to_their_pages_without_personal_data(world, march,
                                                                          api_as):
    Case.objects.filter(pk=march.cases["G"].pk).update(colour="red")
    warning = a_warning(world, kind=WarningKind.SURGE_UNIT, key="1",
                        cases=[march.cases["A"]], z=4.2, figures={"ratio": 3.5})
    leader = api_as("leader")
    hot = get(leader, "hot-cases")
    body = hot.json()
    assert (body["overdue"], body["red_orange"]) == (1, 1)
    d = march.cases["D"]
    first = body["items"][0]
    assert first["number"] == d.number and first["url"] == f"/cases/{d.number}"
    assert first["overdue_metric"] == "响应" and first["overdue_days"] > 26
    assert body["items"][1]["colour_label"] == "红色"
    assert body["items"][1]["status_label"]  # in Chinese, from the status choices
    text = hot.content.decode()
    assert "张三" not in text and "13912345678" not in text and "新华路" not in text

    warnings = get(leader, "warnings").json()
    assert warnings["url"] == "/centre/warnings"
    (item,) = warnings["items"]
    assert item["url"] == f"/centre/warnings#warning-{warning.pk}"
    assert item["kind_label"] == "网格诉求激增" and item["above"].startswith("为常态的3.5倍")
    assert item["cases"] == [{"number": march.cases["A"].number,
                              "url": f"/cases/{march.cases['A'].number}"}]


@pytest.mark.parametrize("user", ["responder_d05", "head_d05", "reviewer_a", "initiator_a",
                                  "grid_a", "volunteer_1"])
def test_others_are_refused(world, march, api_as, user):
    client = api_as(user)
    for panel in PANELS:
        answer = get(client, panel)
        assert answer.status_code == 403, (user, panel, answer.status_code)
        assert answer.json()["code"] == "forbidden"


def test_signing_in_comes_first(world, client):
    assert client.get("/api/v1/screen/counters").status_code == 401


def test_another_county_is_refused_even_to_its_neighbour_leader(world, march, api_as):
    other = org.unit_create(actor=None, parent=None, level=Level.COUNTY, name="邻县",
                            code="371098", geometry=square(121.0, 37.0, 0.4), now=EVENING)
    leader = api_as("leader")
    for panel in PANELS:
        assert get(leader, panel, f"county={other.code}").status_code == 403, panel
        assert get(leader, panel, f"county={world.county.code}").status_code == 200, panel
    person(world, "leader_other", Role.LEADER, unit=other, now=EVENING)
    neighbour = api_as("leader_other")
    assert get(neighbour, "counters", f"county={world.county.code}").status_code == 403
    own = get(neighbour, "counters").json()
    assert own["county"] == other.code and own["items"][0]["period"] == 0
    # an administrator names the county
    admin = api_as("admin")
    assert get(admin, "counters", f"county={other.code}").json()["county"] == other.code
    assert get(admin, "counters", "county=999999").status_code == 404


@pytest.mark.parametrize("panel, query", [
    ("counters", "period=fortnight"), ("channels", "period=yesterday"),
    ("towns", "period="), ("density", "period=x" * 30),
    ("trend", "days=0"), ("trend", "days=367"), ("trend", "days=many"),
    ("departments", "limit=0"), ("departments", "limit=abc"),
    ("hot-cases", "limit=21"), ("hot-cases", "limit=-1"),
    ("warnings", "limit=51"), ("warnings", "limit=0"),
])
def test_bad_parameters_are_422_with_a_message(world, march, api_as, panel, query):
    answer = get(api_as("leader"), panel, query)
    if query == "period=":  # an empty period is the default one
        assert answer.status_code == 200
        return
    assert answer.status_code == 422, (panel, query, answer.content)
    body = answer.json()
    assert body["code"] in ("invalid", "validation_failed") and body["message"]


@pytest.mark.parametrize("panel, most", [
    ("counters", 7), ("trend", 6), ("channels", 6), ("towns", 8), ("departments", 10),
    ("density", 6), ("hot-cases", 10), ("warnings", 7),
])
def test_each_feed_costs_a_fixed_number_of_queries(world, march, api_as, panel, most,
                                                   django_assert_max_num_queries):
    leader = api_as("leader")
    locator_for(world.county)
    get(leader, panel)  # the session and the per-process caches
    with django_assert_max_num_queries(most):
        assert get(leader, panel).status_code == 200
    more_cases(world)
    for w in range(4):
        a_warning(world, kind=WarningKind.REPEATED, key=f"k{w}",
                  cases=list(Case.objects.all()[:30]))
    Case.objects.filter(status="registered").update(colour="orange")
    assert EarlyWarning.objects.count() == 4
    get(leader, panel)  # the channel labels' cache lives a minute: warm it again
    with django_assert_max_num_queries(most):
        assert get(leader, panel).status_code == 200
