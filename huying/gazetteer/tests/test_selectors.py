from __future__ import annotations

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
