from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from huying.assessment.models import Deduction
from huying.assessment.tasks import deductions_nightly
from huying.cases import services as cs
from huying.cases.models import Rating
from huying.cases.tests.conftest import dispatched

TZ = ZoneInfo("Asia/Shanghai")


def test_the_nightly_task_derives_yesterdays_deductions_once(world, now):
    case, (lead,) = dispatched(world, co=())
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已修复",
                        now=now + timedelta(hours=2))
    case.refresh_from_db()
    cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=3,
                     rating=Rating.BASICALLY_SATISFIED, comment="修复偏慢",
                     now=now + timedelta(hours=3))
    assert not Deduction.objects.filter(source_key__startswith="rating:").exists()
    night = datetime(now.year, now.month, now.day, 1, 30, tzinfo=TZ) + timedelta(days=1)
    with time_machine.travel(night, tick=False):
        deductions_nightly.call_local()
        first = set(Deduction.objects.values_list("source_key", flat=True))
        deductions_nightly.call_local()
    assert any(key.startswith("rating:basically_satisfied:") for key in first)
    assert set(Deduction.objects.values_list("source_key", flat=True)) == first
