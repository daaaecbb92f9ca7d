"""The remembered reads (`common.memo`): loaded once, loaded again after a change here or
in another process, never reloaded with the old rows between a change and its commit."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from huying.cases.models import CHANNELS, Channel, channel_is_active, channel_label
from huying.common import memo
from huying.workdays.models import CalendarDay, CalendarSource
from huying.workdays.selectors import work_calendar


@pytest.mark.django_db
def test_a_value_is_loaded_once_until_its_group_is_forgotten():
    loads = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    assert memo.remembered("test-group", "k", load) == 1
    assert memo.remembered("test-group", "k", load) == 1
    memo.forget("test-group")  # outside a transaction: at once
    assert memo.remembered("test-group", "k", load) == 2
    assert len(loads) == 2


def test_another_process_forgetting_is_seen_through_the_shared_generation():
    loads = []
    memo.remembered("test-other", "k", lambda: loads.append(1))
    # what another process's forget leaves in the shared cache: a higher generation
    cache.set("huying:memo:test-other", 41, timeout=None)
    memo.remembered("test-other", "k", lambda: loads.append(1))
    assert len(loads) == 2


def test_a_copy_older_than_max_age_is_loaded_again(monkeypatch):
    loads = []
    memo.remembered("test-age", "k", lambda: loads.append(1))
    monkeypatch.setattr(memo, "MAX_AGE", -1.0)
    memo.remembered("test-age", "k", lambda: loads.append(1))
    assert len(loads) == 2


@pytest.mark.django_db(transaction=True)
def test_the_generation_rises_only_when_the_change_commits():
    before = cache.get("huying:memo:test-commit") or 0
    with transaction.atomic():
        memo.forget("test-commit")
        assert (cache.get("huying:memo:test-commit") or 0) == before
    assert cache.get("huying:memo:test-commit") == before + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        memo.forget("test-commit")
        raise RuntimeError("rolled back")
    assert cache.get("huying:memo:test-commit") == before + 1


@pytest.mark.django_db
def test_a_channel_edited_in_the_admin_is_seen_at_once(django_assert_num_queries):
    channel = Channel.objects.get(code="12345")
    assert channel_label("12345") == channel.name
    with django_assert_num_queries(0):
        assert channel_is_active("12345")
    channel.name, channel.active = "本县12345热线", False
    channel.save()
    assert channel_label("12345") == "本县12345热线"
    assert not channel_is_active("12345")
    Channel.objects.filter(code="12345").update(active=True)  # no signal: must be forgotten
    assert not channel_is_active("12345")
    memo.forget(CHANNELS)
    assert channel_is_active("12345")


@pytest.mark.django_db
def test_a_holiday_entered_is_seen_by_the_next_calendar(django_assert_num_queries):
    day = date(2031, 6, 3)  # a Tuesday of a year without a schedule
    assert work_calendar().is_workday(day)
    with django_assert_num_queries(0):
        assert work_calendar().is_workday(day)
    CalendarDay.objects.create(date=day, is_workday=False, name="测试假日",
                               source=CalendarSource.ADMIN, reason="测试",
                               updated_at=timezone.now())
    assert not work_calendar().is_workday(day)
