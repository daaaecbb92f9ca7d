"""Lists count up to a cap: the total past it is a lower bound, and the count is bounded."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.org.models import OrgUnit
from huying.web.pagination import CappedPaginator


class SmallCap(CappedPaginator):
    cap = 3


def test_below_the_cap_the_count_is_exact(db):
    rows = OrgUnit.objects.order_by("pk")
    OrgUnit.objects.create(level="county", code="C1", name="一县", path="C1")
    paginator = SmallCap(rows, 2)
    assert paginator.count == 1 and not paginator.capped


def test_past_the_cap_the_count_stops_and_says_so(db):
    for i in range(5):
        OrgUnit.objects.create(level="county", code=f"C{i}", name=f"县{i}", path=f"C{i}")
    paginator = SmallCap(OrgUnit.objects.order_by("pk"), 2)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 3 and paginator.capped
    assert "LIMIT 4" in queries.captured_queries[0]["sql"]
    assert paginator.num_pages == 2
