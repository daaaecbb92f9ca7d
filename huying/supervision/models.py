"""SLA clocks: one row per assignment, cycle and metric (sign, respond, complete).

The sweep finds due rows through the indexed `next_check_at` and claims each warning level
with a conditional UPDATE on `stage`, so several workers may sweep at once and every level
fires exactly once (DESIGN.md "Time and SLAs").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    SIGN = "sign", _("Signing")
    RESPOND = "respond", _("Response")
    COMPLETE = "complete", _("Completion")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")
    CANCELLED = "cancelled", _("Cancelled")


class Stage(models.IntegerChoices):
    NONE = 0, _("On time")
    HALF = 1, _("50% used")
    THREE_QUARTERS = 2, _("75% used")
    BREACHED = 3, _("Overdue")


class SlaClock(models.Model):
    assignment = models.ForeignKey("cases.Assignment", on_delete=models.CASCADE,
                                   related_name="clocks", verbose_name=_("assignment"))
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="clocks",
                             verbose_name=_("case"))
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT,
                                   related_name="clocks", verbose_name=_("department"))
    cycle = models.PositiveIntegerField(_("handling cycle"))
    metric = models.CharField(_("metric"), max_length=16, choices=Metric.choices)
    limit_amount = models.DecimalField(_("limit"), max_digits=6, decimal_places=2)
    limit_unit = models.CharField(_("limit unit"), max_length=16)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    warn_half_at = models.DateTimeField(_("50% warning at"))
    warn_three_quarters_at = models.DateTimeField(_("75% warning at"))
    state = models.CharField(_("state"), max_length=16, choices=ClockState.choices,
                             default=ClockState.RUNNING)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices,
                                             default=Stage.NONE)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_seconds = models.FloatField(_("paused time (s)"), default=0)
    extended_days = models.PositiveIntegerField(_("extended working days"), default=0)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [models.UniqueConstraint(fields=["assignment", "cycle", "metric"],
                                               name="one_clock_per_metric")]
        indexes = [
            models.Index(fields=["next_check_at"], name="sla_next_check",
                         condition=models.Q(next_check_at__isnull=False)),
            models.Index(fields=["department", "metric", "state"]),
            models.Index(fields=["case", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.department_id}/{self.metric}"

    @property
    def met(self) -> bool | None:
        """Whether the clock stopped in time; None while it runs."""
        if self.state != ClockState.STOPPED or self.stopped_at is None:
            return None
        return self.stopped_at <= self.due_at
