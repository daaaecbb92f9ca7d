"""The case reads that need supervision ask through `cases.ports`; an app that forgot to
provide them is a loud configuration error, not an empty answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from huying.cases import ports
from huying.cases.models import Case


def test_the_installed_supervision_provides_both_readers():
    assert set(ports._providers) == {"case_clocks", "case_ids_overdue"}


def test_an_unprovided_port_refuses_to_answer(monkeypatch):
    monkeypatch.setattr(ports, "_providers", {})
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with pytest.raises(ImproperlyConfigured, match="case_clocks"):
        ports.case_clocks(Case(pk=1), now=now)
    with pytest.raises(ImproperlyConfigured, match="case_ids_overdue"):
        ports.case_ids_overdue(now=now)
