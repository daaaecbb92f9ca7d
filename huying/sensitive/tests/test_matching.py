"""The lexicon's matching, without the database: words, conditions, people, exclusions."""

from __future__ import annotations

import pytest

from huying.sensitive.lexicon import LEXICON
from huying.sensitive.matching import Matcher, RuleSpec, chinese_number, people_mentioned


@pytest.mark.parametrize(("numeral", "value"), [
    ("12", 12), ("１５", 15), ("十", 10), ("十几", 11), ("几十", 20), ("二十几", 21),
    ("三十", 30), ("一百二十", 120), ("两百", 200), ("几百", 200), ("几", 3), ("万", 10000),
])
def test_numerals_are_read_at_their_least_plausible_value(numeral, value):
    assert chinese_number(numeral) == value


@pytest.mark.parametrize(("text", "people"), [
    ("有三十多名工人堵在工地门口", 30), ("十几个工友一起来的", 11), ("上百人聚在广场", 100),
    ("几十号人", 20), ("一百多户居民停水", 100), ("12名农民工", 12), ("我家两口人", 2),
    ("楼下的老人摔倒了", None), ("路灯坏了三盏", None),
])
def test_people_are_counted_before_a_word_for_people(text, people):
    assert people_mentioned(text) == people


WAGES = RuleSpec(id=1, name="多人欠薪", category="wages", words=("拖欠工资", "欠薪"),
                 requires=("集体", "工友们"), min_people=10)
JUMP = RuleSpec(id=2, name="扬言跳楼", category="self_harm", words=("跳楼",),
                excludes=("防止跳楼",))


def test_a_conditional_rule_needs_its_condition_or_enough_people():
    matcher = Matcher([WAGES])
    assert matcher.hits("老板拖欠工资两个月")[0] == []
    hits, people = matcher.hits("老板拖欠三十多名工人的工资，拖欠工资半年了")
    assert [h.rule.name for h in hits] == ["多人欠薪"] and people == 30
    assert matcher.hits("拖欠工资，工友们商量去要")[0][0].words == ("拖欠工资", "工友们")
    assert matcher.hits("拖欠工资，我们五个人")[0] == []


def test_an_excluding_phrase_cancels_its_rule_only():
    matcher = Matcher([WAGES, JUMP])
    assert matcher.hits("社区开展防止跳楼轻生宣传")[0] == []
    assert [h.rule.name for h in matcher.hits("他说要跳楼")[0]] == ["扬言跳楼"]


def test_longer_words_win_over_the_words_inside_them():
    matcher = Matcher([RuleSpec(id=3, name="上访", category="group", words=("集体上访", "上访"))])
    assert matcher.hits("村民商量集体上访")[0][0].words == ("集体上访",)


def bundled() -> Matcher:
    import json

    return Matcher([RuleSpec(id=i, name=e["name"], category=e["category"],
                             words=tuple(e["words"]), requires=tuple(e.get("requires", [])),
                             min_people=e.get("min_people"), excludes=tuple(e.get("excludes", [])))
                    for i, e in enumerate(json.loads(LEXICON.read_text(encoding="utf-8")))])


# Reports as they come in, written for this test: the bundled lexicon must flag these …
SENSITIVE = [
    ("工地老板跑了，三十多名农民工的工资拖了半年没发，说明天要一起去县政府门口讨说法", "wages"),
    ("市民来电反映：其丈夫因赔偿问题谈不拢，情绪激动，扬言要从医院楼顶跳下去", "self_harm"),
    ("网格员巡查发现，化工园区东侧仓库发生爆炸，浓烟滚滚，周边群众正在撤离", "public_safety"),
    ("听说XX花园几十户业主准备周一拉横幅去住建局，要求开发商交房", "group"),
    ("来电人称理财公司卷款跑路，上百名老人的养老钱都投进去了，大家准备去市里", "other"),
    ("村里征地补偿款一直不到位，全村的人商量着明天堵路不让施工", "group"),
    ("我被欠工资一年了，实在活不下去了，再不给钱我就死给你们看", "self_harm"),
    ("饭店老板说要把这事发到抖音上曝光，让大家都看看", "public_opinion"),
]
# … and must leave these alone: ordinary reports that share words with the lexicon.
ORDINARY = [
    "小区门口的路灯不亮了，晚上黑灯瞎火的",
    "老板欠了我两个月工资不发，请劳动监察帮忙",
    "楼下早市的人聚在路口摆摊，堵得车过不去",
    "电梯困人了，有个老人被关在里面，请快来",
    "冲击钻从早上七点响到晚上，吵得孩子没法睡觉",
    "社区组织消防演练，模拟燃气爆炸疏散",
    "楼上邻居家漏水，把我家天花板泡坏了",
    "狗咬伤人了，小区里的流浪狗太多",
]


@pytest.mark.parametrize(("text", "category"), SENSITIVE)
def test_the_bundled_lexicon_flags_sensitive_reports(text, category):
    hits, _people = bundled().hits(text)
    assert category in {h.rule.category for h in hits}


@pytest.mark.parametrize("text", ORDINARY)
def test_the_bundled_lexicon_leaves_ordinary_reports_alone(text):
    assert bundled().hits(text)[0] == []
