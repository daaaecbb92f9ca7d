"""Seed every year the installed `chinesecalendar` covers, and the default working hours, so
a freshly migrated database computes deadlines correctly without extra steps."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from huying.workdays.library import library_years
    from huying.workdays.seeding import seed_years

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    WorkingHours = apps.get_model("workdays", "WorkingHours")
    seed_years(CalendarDay, years=sorted(library_years()), now=timezone.now())
    WorkingHours.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
