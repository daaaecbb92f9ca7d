"""Rollup tables: the counts every figure of the situation view is read from.

Each table sums, per key (a day and a few dimensions), the measures of the cases, the
assignments or the outcomes that fall into it. They are kept up to date incrementally: when a
case changes, its contribution to every table is computed again and only the difference is
applied (`analytics/rollups.py`); `RollupMemo` remembers each case's last contribution.
`huying analytics verify` recomputes every table from the cases and reports any difference.

Dimension columns hold plain ids, 0 for "none" (NULLs would defeat the unique keys), so that a
bucket is found, created and incremented by its key alone.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# What a case counts for, in the cohort of the day it was reported, in its current state.
CASE_MEASURES: tuple[str, ...] = (
    "received", "accepted", "rejected", "merged",
    "resolved", "resolved_grid", "resolved_community", "resolved_town",
    "transferred", "called", "call_approved", "call_bounced", "dispatched",
    "dispatch_accurate", "signed", "responded",
    "replied", "closed", "done", "open", "overdue", "sensitive", "urgent",
    "status_reported", "status_registered", "status_rejected", "status_merged",
    "status_local", "status_resolved", "status_awaiting_approval", "status_triage",
    "status_dispatched", "status_replied", "status_closed",
)

# What an assignment counts for, on the day it was dispatched, in its current state.
ASSIGNMENT_MEASURES: tuple[str, ...] = (
    "dispatched_all", "returned", "cancelled", "dispatched", "signed", "signed_on_time",
    "responded", "responded_on_time", "replied", "replied_on_time", "open", "pending",
    "overdue",
)

# What happened on a day: closures, evaluations, citizens' ratings, lead replies.
OUTCOME_MEASURES: tuple[str, ...] = (
    "closed", "closed_dispatched", "closed_on_time",
    "evaluated", "evaluated_by_town", "eval_very_satisfied", "eval_satisfied", "eval_basic",
    "eval_unsatisfied", "eval_lapsed",
    "citizen_rated", "citizen_satisfied", "citizen_basic", "citizen_unsatisfied",
    "lead_replied", "handling_seconds",
)


def _measure_fields(names: tuple[str, ...]) -> dict[str, models.Field]:
    return {name: models.BigIntegerField(default=0) for name in names}


class _Bucket(models.Model):
    county_id = models.IntegerField()
    day = models.DateField()

    class Meta:
        abstract = True


def _bucket(name: str, measures: tuple[str, ...], dims: dict[str, models.Field],
            verbose: str) -> type[models.Model]:
    """A rollup table: county, day, `dims` as its key, one integer column per measure."""
    key = ("county_id", "day", *dims)
    attrs: dict[str, object] = {
        "__module__": __name__,
        **dims,
        **_measure_fields(measures),
        "KEY": key,
        "MEASURES": measures,
        "Meta": type("Meta", (), {
            "verbose_name": verbose,
            "constraints": [models.UniqueConstraint(fields=list(key),
                                                    name=f"{name.lower()}_key")],
            "indexes": [models.Index(fields=["county_id", "day"],
                                     name=f"{name.lower()}_day")],
        }),
    }
    return type(name, (_Bucket,), attrs)


def _id() -> models.IntegerField:
    return models.IntegerField(default=0)


def _case_dims(*names: str) -> dict[str, models.Field]:
    fields: dict[str, models.Field] = {}
    for name in names:
        if name == "channel":
            fields[name] = models.CharField(max_length=32, default="")
        elif name == "colour" or name == "cell":
            fields[name] = models.CharField(max_length=16, default="")
        elif name == "role":
            fields[name] = models.CharField(max_length=8, default="")
        else:
            fields[name] = _id()
    return fields


CountyDay = _bucket("CountyDay", CASE_MEASURES, _case_dims("town_id", "channel"),
                    _("cases by day, town and channel"))
FlowDay = _bucket("FlowDay", CASE_MEASURES,
                  _case_dims("town_id", "channel", "matter_type_id", "colour"),
                  _("cases by day, town, channel, matter type and colour"))
FlowMonth = _bucket("FlowMonth", CASE_MEASURES,
                    _case_dims("town_id", "channel", "matter_type_id", "colour"),
                    _("cases by month, town, channel, matter type and colour"))
PlaceDay = _bucket("PlaceDay", CASE_MEASURES,
                   _case_dims("town_id", "community_id", "grid_id", "unit_id", "matter_type_id"),
                   _("cases by day, place and matter type"))
PlaceMonth = _bucket("PlaceMonth", CASE_MEASURES,
                     _case_dims("town_id", "community_id", "grid_id", "unit_id",
                                "matter_type_id"),
                     _("cases by month, place and matter type"))
# The matter type is kept with the cell so that the county map's density layer can show one
# matter's reports (e.g. only 占道经营) from the rollups.
CellDay = _bucket("CellDay", CASE_MEASURES, _case_dims("town_id", "matter_type_id", "cell"),
                  _("cases by day, hexagonal cell and matter type"))
# The cells by month (day = the first of the month) without the matter: the big screen's
# density of a year reads about 23,000 rows at a million cases a year where the day table
# has 540,000 (with the matter a month would still hold 35,000 of the 50,000 rows of its
# days: most cells see a matter once a month). A density of one matter reads the day table.
# Kept by the same difference as the day table (each case contributes to both), never
# recomputed from it, so that concurrent refreshes add up.
CellMonth = _bucket("CellMonth", CASE_MEASURES, _case_dims("town_id", "cell"),
                    _("cases by month and hexagonal cell"))
DepartmentDay = _bucket("DepartmentDay", ASSIGNMENT_MEASURES,
                        _case_dims("town_id", "department_id", "role", "matter_type_id"),
                        _("assignments by day of dispatch and department"))
OutcomeDay = _bucket("OutcomeDay", OUTCOME_MEASURES,
                     _case_dims("town_id", "department_id", "matter_type_id"),
                     _("closures, evaluations and replies by day"))


class RollupMemo(models.Model):
    """A case's contribution to the rollups as last applied: the old side of the next
    difference. `entries` is a list of [table, key values, {measure: count}]."""

    case_id = models.BigIntegerField(primary_key=True)
    entries = models.JSONField(default=list)
    computed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("rollup memo")


class RollupQueue(models.Model):
    """Cases whose contribution must be computed again. A row is written in the transaction
    of the change, so a change is never forgotten even if the process dies before the
    refresh that follows the commit; the periodic sweep refreshes what is left."""

    case_id = models.BigIntegerField(primary_key=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rollup queue entry")


class ReportKind(models.TextChoices):
    """The three regular reports of a county: the morning meeting's figures of a day, the
    analysis of a week (Monday to Sunday), the report of a month."""

    DAILY = "daily", _("Daily meeting report")
    WEEKLY = "weekly", _("Weekly analysis")
    MONTHLY = "monthly", _("Monthly report")


def _report_file_name(issue: ReportIssue, filename: str) -> str:
    return f"reports/{filename}"


class ReportIssue(models.Model):
    """One generated report (日碰头、周研判、月报告) of a county and period, kept with its
    files. Generating a period again adds a version: what was downloaded before stays
    retrievable, the pages show the newest. The content is the assembled report as JSON
    (`analytics/reports/assembly.py`), so the printable page shows what the files hold."""

    county = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county"))
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    version = models.PositiveIntegerField(_("version"), default=1)
    number = models.CharField(_("number"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey("org.User", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("generated by"))
    content = models.JSONField(_("content of the report"))
    xlsx = models.FileField(_("workbook"), upload_to=_report_file_name, max_length=255)
    docx = models.FileField(_("document"), upload_to=_report_file_name, max_length=255)

    class Meta:
        verbose_name = _("regular report")
        verbose_name_plural = _("regular reports")
        constraints = [models.UniqueConstraint(
            fields=["county", "kind", "period_start", "version"], name="report_issue_version")]
        indexes = [models.Index(fields=["county", "kind", "-period_start"],
                                name="report_issue_period")]

    def __str__(self) -> str:
        return self.title


from huying.analytics.models_warnings import *  # noqa
