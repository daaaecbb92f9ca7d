from huying.analytics.tests.scenario import build_march
from huying.supervision.models import SlaClock

def test_probe(world):
    s = build_march(world)
    for c in SlaClock.objects.filter(case=s.cases["B"]):
        print(c.metric, c.limit_amount, c.limit_unit, c.started_at, c.due_at, c.stopped_at, c.state)
