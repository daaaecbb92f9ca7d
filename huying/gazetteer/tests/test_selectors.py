from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from huying.cases import services as cs
from huying.gazetteer.selectors import case_locations_for


def test_the_board_reads_the_locations_of_any_number_of_cases_in_one_query(
        world, now, django_assert_max_num_queries):
    texts = ["锦华小区门口", "我家楼下", "人民医院门口", "幸福里小区"] * 5
    cases = [cs.case_report(actor=None, county=world.county, channel="12345", title="来电",
                            description=text, now=now) for text in texts]
    with django_assert_max_num_queries(1), translation.override("zh-hans"):
        summaries = case_locations_for([c.pk for c in cases])
    assert len(summaries) == len(cases)
    first, second = summaries[cases[0].pk], summaries[cases[1].pk]
    assert first.source == "text" and first.text_unit_code == world.grids[0].code
    assert first.words == ("锦华小区",) and first.confidence == 0.9
    assert second.waiting and second.reason == "文字中没有已知的地名。"
    assert case_locations_for([]) == {}


def test_the_triage_board_shows_what_waits_to_be_located_and_how_cases_were_located(
        world, now, client):
    from tests.factories import PASSWORD

    located = cs.case_report(actor=None, county=world.county, channel="12345", title="来电",
                             description="锦华小区门口垃圾满了", now=now)
    waiting = cs.case_report(actor=None, county=world.county, channel="12345", title="来电",
                             description="我家楼下垃圾满了", now=now)
    assert client.login(username="supervisor", password=PASSWORD)
    with translation.override("zh-hans"):
        body = client.get("/centre/triage", {"source": "unlocated"}).content.decode()
        assert "待定位" in body and waiting.number in body and located.number not in body
        body = client.get("/centre/triage").content.decode()
    assert located.number in body and "按“锦华小区”定位。" in body and "置信度 0.90" in body
    for k in range(10):
        cs.case_report(actor=None, county=world.county, channel="12345", title="来电",
                       description=f"粮苑小区{k}号楼", now=now)
    with CaptureQueriesContext(connection) as queries:
        client.get("/centre/triage")
    reads = [q for q in queries if "gazetteer_caselocation" in q["sql"]]
    assert len(reads) == 1  # one read for the whole page, however many rows
