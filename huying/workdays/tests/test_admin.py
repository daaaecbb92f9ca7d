"""The admin pages go through the services and warn about a missing schedule."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from huying.workdays.models import CalendarDay, CalendarSource, WorkingHours

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-22 10:00 +0800", tick=False)
def test_the_changelist_warns_that_next_years_schedule_is_missing(admin_client):
    response = admin_client.get("/admin/workdays/calendarday/")
    assert response.status_code == 200
    assert "缺少 2027 年的放假安排" in response.content.decode()


def test_adding_a_day_in_the_admin_records_an_admin_entry(admin_client, admin_user):
    response = admin_client.post("/admin/workdays/calendarday/add/", {
        "date": "2027-01-01", "is_workday": "", "name": "元旦", "reason": "国办通知"})
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=date(2027, 1, 1))
    assert (row.source, row.is_workday, row.updated_by) == (CalendarSource.ADMIN, False,
                                                            admin_user)


def test_editing_a_library_day_in_the_admin_turns_it_into_an_admin_entry(admin_client):
    row = CalendarDay.objects.get(date=date(2025, 10, 11))
    response = admin_client.post(f"/admin/workdays/calendarday/{row.pk}/change/", {
        "is_workday": "", "name": row.name, "reason": "台风停工"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.source, row.is_workday) == (CalendarSource.ADMIN, False)


def test_library_days_cannot_be_deleted_in_the_admin(admin_client):
    row = CalendarDay.objects.get(date=date(2025, 10, 1))
    response = admin_client.post(f"/admin/workdays/calendarday/{row.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 403
    assert CalendarDay.objects.filter(pk=row.pk).exists()


def test_working_hours_out_of_order_are_refused_in_the_admin(admin_client):
    hours = WorkingHours.objects.get()
    response = admin_client.post(f"/admin/workdays/workinghours/{hours.pk}/change/", {
        "morning_start": "08:30", "morning_end": "14:00", "afternoon_start": "13:30",
        "afternoon_end": "17:30"})
    assert response.status_code == 200
    assert "工作时间须满足" in response.content.decode()


def test_the_changelist_shows_the_weekday_in_chinese(admin_client):
    response = admin_client.get("/admin/workdays/calendarday/?date__year=2025&date__month=10")
    assert "星期六" in response.content.decode()  # 2025-10-11, 调休上班
