"""Keeping reports: versions, files, who may generate, the morning schedule and its job,
the command."""

from __future__ import annotations

import logging
from datetime import date, datetime
from io import BytesIO, StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from huying.analytics import tasks
from huying.analytics.models import ReportIssue
from huying.analytics.reports import services
from huying.analytics.reports.data import report_from_json
from huying.analytics.reports.services import report_issue_generate, reports_due, reports_issue_due
from huying.analytics.tests.report_scenario import build_report_month
from huying.analytics.tests.scenario import AFTER_MARCH, TZ
from huying.common.errors import PermissionDenied, ValidationFailed

MONDAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_generating_keeps_the_files_and_the_content_as_a_new_version(world, media):
    build_report_month(world)
    first = report_issue_generate(county=world.county, kind="weekly", day=MONDAY,
                                  actor=world.user("supervisor"), now=AFTER_MARCH)
    again = report_issue_generate(county=world.county, kind="weekly", day=date(2026, 3, 8),
                                  actor=world.user("leader"), now=AFTER_MARCH)
    assert (first.version, again.version) == (1, 2)
    assert (again.period_start, again.period_end) == (MONDAY, date(2026, 3, 8))
    assert again.number == first.number == "〔2026〕第10期"
    assert again.generated_by == world.user("leader")
    assert stored_files(media) == [
        "reports/371099/weekly/2026-03-02-v1.docx", "reports/371099/weekly/2026-03-02-v1.xlsx",
        "reports/371099/weekly/2026-03-02-v2.docx", "reports/371099/weekly/2026-03-02-v2.xlsx"]
    with first.xlsx.open("rb") as handle:
        book = load_workbook(BytesIO(handle.read()))
    assert book["总体情况"]["B3"].value == 9
    report = report_from_json(ReportIssue.objects.get(pk=first.pk).content)
    assert report.headline("received").value == 9 and report.title == first.title


@pytest.mark.parametrize("username", ["responder_d05", "reviewer_a", "initiator_a", "grid_a",
                                      "head_d05"])
def test_only_the_county_wide_roles_may_generate(world, username):
    with pytest.raises(PermissionDenied):
        report_issue_generate(county=world.county, kind="daily", day=MONDAY,
                              actor=world.user(username), now=AFTER_MARCH)
    assert not ReportIssue.objects.exists()


def test_an_administrator_may_generate(world):
    issue = report_issue_generate(county=world.county, kind="daily", day=MONDAY,
                                  actor=world.user("admin"), now=AFTER_MARCH)
    assert issue.version == 1


@pytest.mark.parametrize(("kind", "day"), [("quarterly", MONDAY), ("daily", date(2026, 4, 2))])
def test_a_bad_kind_or_a_future_day_is_refused_and_stores_nothing(world, media, kind, day):
    with pytest.raises(ValidationFailed):
        report_issue_generate(county=world.county, kind=kind, day=day,
                              actor=world.user("supervisor"), now=AFTER_MARCH)
    assert not ReportIssue.objects.exists() and stored_files(media) == []


def test_a_failed_save_leaves_no_file_behind(world, media, monkeypatch):
    def fail(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ReportIssue, "save", fail)
    with pytest.raises(RuntimeError):
        report_issue_generate(county=world.county, kind="daily", day=MONDAY, actor=None,
                              now=AFTER_MARCH)
    assert stored_files(media) == []


# ---------------------------------------------------------------------------------------
# the schedule

WEDNESDAY_THE_FIRST = datetime(2026, 4, 1, 7, 30, tzinfo=TZ)


def due_of(now: datetime) -> list[tuple[str, date]]:
    return [(item.kind, item.day) for item in reports_due(now=now)]


def test_the_morning_issues_each_finished_period_once(world):
    assert due_of(WEDNESDAY_THE_FIRST) == [("daily", date(2026, 3, 31)),
                                           ("weekly", date(2026, 3, 23)),
                                           ("monthly", date(2026, 3, 1))]
    issued = reports_issue_due(now=WEDNESDAY_THE_FIRST)
    assert [(i.kind, i.period_start, i.version, i.generated_by) for i in issued] == [
        ("daily", date(2026, 3, 31), 1, None), ("weekly", date(2026, 3, 23), 1, None),
        ("monthly", date(2026, 3, 1), 1, None)]
    # the runs later that morning, and the job run twice, issue nothing more
    assert reports_issue_due(now=WEDNESDAY_THE_FIRST.replace(hour=8)) == []
    assert reports_issue_due(now=WEDNESDAY_THE_FIRST.replace(hour=11)) == []
    assert ReportIssue.objects.count() == 3
    # Thursday: only the new day
    assert due_of(datetime(2026, 4, 2, 7, 30, tzinfo=TZ)) == [("daily", date(2026, 4, 1))]


def test_an_issue_generated_before_its_period_ended_does_not_count(world):
    in_progress = report_issue_generate(county=world.county, kind="weekly",
                                        day=date(2026, 4, 1), actor=world.user("supervisor"),
                                        now=datetime(2026, 4, 1, 10, 0, tzinfo=TZ))
    assert report_from_json(in_progress.content).complete is False
    monday = datetime(2026, 4, 6, 7, 30, tzinfo=TZ)
    assert ("weekly", date(2026, 3, 30)) in due_of(monday)
    issued = [i for i in reports_issue_due(now=monday) if i.kind == "weekly"]
    assert [(i.period_start, i.version) for i in issued] == [(date(2026, 3, 30), 2)]
    assert ("weekly", date(2026, 3, 30)) not in due_of(monday)


def test_a_failing_report_is_logged_and_the_others_are_issued(world, monkeypatch, caplog):
    real = services.report_assemble

    def assemble(**kwargs):
        if kwargs["kind"] == "daily":
            raise RuntimeError("figures unavailable")
        return real(**kwargs)

    monkeypatch.setattr(services, "report_assemble", assemble)
    with caplog.at_level(logging.ERROR, logger="huying.analytics.reports.services"):
        issued = reports_issue_due(now=WEDNESDAY_THE_FIRST)
    assert [i.kind for i in issued] == ["weekly", "monthly"]
    assert "daily" in caplog.text
    assert due_of(WEDNESDAY_THE_FIRST) == [("daily", date(2026, 3, 31))]  # the next run


def utc(*args) -> datetime:
    return datetime(*args)  # huey compares naive UTC datetimes when utc=True


def test_the_job_runs_from_half_past_seven_shanghai_time():
    job = tasks.reports_each_morning.s()
    assert job.validate_datetime(utc(2026, 3, 1, 23, 30))   # Monday 2 March, 07:30 in Shanghai
    assert job.validate_datetime(utc(2026, 3, 2, 3, 30))    # 11:30
    assert not job.validate_datetime(utc(2026, 3, 2, 4, 30))
    assert not job.validate_datetime(utc(2026, 3, 1, 23, 0))


def test_the_job_issues_what_is_due(db, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "reports_issue_due", lambda **kw: calls.append(kw) or [])
    tasks.reports_each_morning.call_local()
    assert len(calls) == 1 and calls[0]["now"].tzinfo is not None


# ---------------------------------------------------------------------------------------
# the command


def test_the_command_generates_with_progress(world):
    build_report_month(world)
    out, err = StringIO(), StringIO()
    with time_machine.travel(AFTER_MARCH, tick=False):
        call_command("reports", "generate", "--kind", "monthly", "--date", "2026-03-15",
                     stdout=out, stderr=err)
    assert "示范市“乡呼县应”月报告（2026年3月） 第1版" in out.getvalue()
    assert "monthly/2026-03-01-v1.xlsx" in out.getvalue()
    assert "示范市：包含 2026-03-15 的月报告" in err.getvalue()
    for step in ("总体数字", "指标", "排名", "逾期清单", "Excel 和 Word 文件"):
        assert step in err.getvalue()


def test_the_command_defaults_to_yesterday_and_runs_the_schedule(world):
    out = StringIO()
    with time_machine.travel(WEDNESDAY_THE_FIRST, tick=False):
        call_command("reports", "generate", "--kind", "daily", stdout=out, stderr=StringIO())
        call_command("reports", "due", stdout=out, stderr=StringIO())
        call_command("reports", "due", stdout=out, stderr=StringIO())
    assert ReportIssue.objects.filter(kind="daily", period_start=date(2026, 3, 31)).count() == 1
    assert "已生成 2 份报告。" in out.getvalue() and "已生成 0 份报告。" in out.getvalue()


def test_the_command_refuses_an_unknown_county_or_a_future_day(world):
    with pytest.raises(CommandError, match="999999"):
        call_command("reports", "generate", "--kind", "daily", "--county", "999999",
                     stdout=StringIO(), stderr=StringIO())
    with time_machine.travel(AFTER_MARCH, tick=False), pytest.raises(CommandError):
        call_command("reports", "generate", "--kind", "daily", "--date", "2026-05-01",
                     stdout=StringIO(), stderr=StringIO())
