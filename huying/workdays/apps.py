from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "huying.workdays"
    verbose_name = _("Working calendar")

    def ready(self) -> None:
        from huying.common import memo
        from huying.workdays.models import CalendarDay, WorkingHours
        from huying.workdays.selectors import CALENDAR

        memo.forget_on_change(CALENDAR, CalendarDay, WorkingHours)
