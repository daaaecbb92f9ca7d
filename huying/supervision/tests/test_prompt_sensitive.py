"""The prompt slip names why each open case was flagged stability-sensitive."""

from __future__ import annotations

from huying.cases import services as cs
from huying.cases.models import Channel
from huying.supervision.slips import prompt_body, prompt_digest

WAGES = "工地老板跑了，三十多名农民工的工资拖了半年没发，明天要一起去县政府门口讨说法。"


def hotline(world, now, description: str):
    return cs.case_report(actor=None, county=world.county, channel=Channel.HOTLINE_12345,
                          title="来电反映", description=description, now=now)


def test_the_prompt_slip_gives_the_reason_of_each_flag(world, now):
    case = hotline(world, now, WAGES)
    body = str(prompt_body(prompt_digest(county=world.county, now=now)))
    line = next(line for line in body.splitlines() if case.number in line)
    assert line.startswith(f"  {case.number} 来电反映（涉稳依据：")
    assert "拖欠多名工人工资（老板跑了、工资拖）" in line


