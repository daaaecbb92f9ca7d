"""`huying calendar …` for operators."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huying.workdays.models import CalendarDay, CalendarSource

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_due_prints_the_close_of_the_fifth_working_day_after_national_day():
    assert run("due", "2025-09-30 10:00", "5", "working_days").strip() == (
        "2025-10-14 17:30+08:00")


def test_due_accepts_iso_instants_and_chinese_unit_names():
    assert run("due", "2025-09-16T03:00:00+00:00", "2", "工作小时").strip() == (
        "2025-09-16 14:30+08:00")


def test_due_with_a_bad_unit_is_a_clear_error():
    with pytest.raises(CommandError, match="未知的时限单位"):
        run("due", "2025-09-30 10:00", "5", "weeks")
    with pytest.raises(CommandError, match="时间格式有误"):
        run("due", "30/09/2025", "5", "working_days")


def test_check_2027_warns_with_exit_code_1():
    with pytest.raises(CommandError, match="缺少 2027 年的放假安排") as missing:
        run("check", "2027")
    assert missing.value.returncode == 1


def test_check_2026_reports_covered():
    assert "2026" in run("check", "2026")


def test_set_and_clear_a_day_as_the_system():
    run("set", "2027-01-01", "rest", "--reason", "国办通知", "--name", "元旦")
    row = CalendarDay.objects.get(date=date(2027, 1, 1))
    assert (row.is_workday, row.source, row.updated_by) == (False, CalendarSource.ADMIN, None)
    assert "2027" in run("check", "2027")
    run("clear", "2027-01-01")
    assert not CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()


def test_set_with_a_malformed_date_is_refused_and_changes_nothing():
    count = CalendarDay.objects.count()
    with pytest.raises(CommandError, match="日期格式有误"):
        run("set", "2027-13-01", "rest", "--reason", "x")
    assert CalendarDay.objects.count() == count


def test_seed_prints_progress_per_year():
    out = run("seed", "--years", "2025", "2026")
    assert "2025" in out and "2026" in out
