"""The huey schedule: HUEY runs in UTC, the field works in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime

from huying.supervision import tasks
from huying.supervision.sweep import SweepRun


def utc(*args) -> datetime:
    return datetime(*args)  # huey compares naive UTC datetimes when utc=True


def test_the_sweep_runs_every_minute():
    assert tasks.sweep_every_minute.s().validate_datetime(utc(2026, 3, 2, 3, 17))


def test_prompt_slips_at_eight_in_the_morning_shanghai_time():
    assert tasks.prompt_slips_each_morning.s().validate_datetime(utc(2026, 3, 2, 0, 0))
    assert not tasks.prompt_slips_each_morning.s().validate_datetime(utc(2026, 3, 2, 8, 0))


def test_warning_slips_on_the_first_at_nine_shanghai_time():
    assert tasks.warning_slips_monthly.s().validate_datetime(utc(2026, 4, 1, 1, 0))
    assert not tasks.warning_slips_monthly.s().validate_datetime(utc(2026, 4, 2, 1, 0))
    assert not tasks.warning_slips_monthly.s().validate_datetime(utc(2026, 4, 1, 9, 0))


def test_the_jobs_run_their_services(db, monkeypatch):
    calls = []

    def fake_sweep(**kwargs) -> SweepRun:
        calls.append(kwargs)
        return SweepRun()

    monkeypatch.setattr(tasks, "sweep_run", fake_sweep)
    tasks.sweep_every_minute.call_local()
    assert len(calls) == 1 and calls[0]["now"].tzinfo is not None
