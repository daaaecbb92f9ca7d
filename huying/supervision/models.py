"""SLA clocks: one row per assignment, cycle and metric (sign, respond, complete).

The sweep finds due rows through the indexed `next_check_at` and claims each warning level
with a conditional UPDATE on `stage`, so several workers may sweep at once and every level
fires exactly once (DESIGN.md "Time and SLAs").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.common.messages import MessageField, empty


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
    # xgettext:no-python-format
    HALF = 1, _("50% used")
    # xgettext:no-python-format
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
            # the overdue lists (big screen, reports): open clocks by due time, a small
            # part of every clock ever started
            models.Index(fields=["due_at"], name="sla_open_due",
                         condition=models.Q(state__in=["running", "paused"])),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.department_id}/{self.metric}"

    @property
    def met(self) -> bool | None:
        """Whether the clock stopped in time; None while it runs."""
        if self.state != ClockState.STOPPED or self.stopped_at is None:
            return None
        return self.stopped_at <= self.due_at


# ---------------------------------------------------------------------------------------
# the ladder, interviews, slips, listed supervision (SPEC.md "Supervision")


class LeaderKind(models.TextChoices):
    PARTY = "party", _("Party committee leader in charge")
    GOVERNMENT = "government", _("Government leader in charge")


class LeaderPost(models.Model):
    """Which county leader sits for the party committee and which for the government: the
    ladder sends red matters to the first and orange ones to the second."""

    user = models.ForeignKey("org.User", on_delete=models.CASCADE, related_name="leader_posts",
                             verbose_name=_("leader"))
    county = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county"))
    kind = models.CharField(_("kind"), max_length=16, choices=LeaderKind.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("leader post")
        verbose_name_plural = _("leader posts")
        constraints = [models.UniqueConstraint(fields=["user", "county", "kind"],
                                               name="leader_post_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class Trigger(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    SHIRKING = "shirking", _("Shirking")
    RETURN = "return", _("Returned for rework")


class Rung(models.TextChoices):
    PARTY_INTERVIEW = "party_interview", _("Interview by the party committee's leader")
    GOVERNMENT_INTERVIEW = "government_interview", _("Interview by the government's leader")
    CENTRE_INTERVIEW = "centre_interview", _("Interview by the command centre")
    DEDUCTION = "deduction", _("Score deduction")


class InterviewerRole(models.TextChoices):
    PARTY_LEADER = "party_leader", _("Party committee leader in charge")
    GOVERNMENT_LEADER = "government_leader", _("Government leader in charge")
    CENTRE = "centre", _("Command centre")


class IntervieweeRole(models.TextChoices):
    HEAD = "head", _("Department head")
    DEPUTY = "deputy", _("Department deputy head")


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Interview(models.Model):
    """An interview (约谈) the ladder orders, tracked until it is held and recorded."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="interviews",
                             verbose_name=_("case"))
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT,
                                   related_name="interviews", verbose_name=_("department"))
    assignment = models.ForeignKey("cases.Assignment", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("assignment"))
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices)
    colour = models.CharField(_("colour"), max_length=16)
    interviewer_role = models.CharField(_("interviewer role"), max_length=32,
                                        choices=InterviewerRole.choices)
    interviewer = models.ForeignKey("org.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="interviews_conducted",
                                    verbose_name=_("interviewer"))
    interviewee_role = models.CharField(_("interviewee role"), max_length=16,
                                        choices=IntervieweeRole.choices)
    interviewee = models.ForeignKey("org.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="interviews_received",
                                    verbose_name=_("interviewee"))
    status = models.CharField(_("status"), max_length=16, choices=InterviewStatus.choices,
                              default=InterviewStatus.SCHEDULED)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    recorded_by = models.ForeignKey("org.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"))
    source_key = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"]),
                   models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.department_id}/{self.trigger}"


class LadderStep(models.Model):
    """One rung taken for one trigger (a breach of one clock, one denied return, one
    unsatisfied evaluation); its unique `source_key` is what makes the ladder idempotent."""

    source_key = models.CharField(max_length=100, unique=True)
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices)
    rung = models.CharField(_("rung"), max_length=32, choices=Rung.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("case"))
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    assignment = models.ForeignKey("cases.Assignment", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("assignment"))
    clock = models.ForeignKey(SlaClock, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("SLA clock"))
    colour = models.CharField(_("colour"), max_length=16)
    interview = models.ForeignKey(Interview, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="steps", verbose_name=_("interview"))
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True,
                                 blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("supervision step")
        verbose_name_plural = _("supervision steps")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "created_at"])]


class SlipKind(models.TextChoices):
    PROMPT = "prompt", _("Prompt slip")
    SUPERVISION = "supervision", _("Supervision slip")
    WARNING = "warning", _("Warning slip")


class SlipStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


class SlipCounter(models.Model):
    """Per county, kind and year sequence behind numbers such as 督办〔2026〕15号."""

    county = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=SlipKind.choices)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "kind", "year"],
                                               name="slip_counter_unique")]


class Slip(models.Model):
    """One of the three slips (三单): prompt, supervision or warning."""

    kind = models.CharField(_("kind"), max_length=16, choices=SlipKind.choices)
    # number, title, body, recipients and copied_to are message keys with parameters,
    # rendered in the reader's language (common/messages.py).
    number = MessageField(_("number"))
    county = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county"))
    department = models.ForeignKey("org.Department", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="slips",
                                   verbose_name=_("department"))
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="slips",
                                   verbose_name=_("cases"))
    title = MessageField(_("title"))
    body = MessageField(_("body"))
    deadline = models.DateTimeField(_("rectification deadline"), null=True, blank=True)
    issued_by = models.ForeignKey("org.User", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"))
    recipients = MessageField(_("recipients"), default=empty, blank=True)
    copied_to = MessageField(_("copied to"), default=empty, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SlipStatus.choices,
                              default=SlipStatus.ISSUED)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey("org.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("replied by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    source_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("slip")
        verbose_name_plural = _("slips")
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["county", "number"],
                                               name="slip_number_unique")]
        indexes = [models.Index(fields=["county", "kind", "status"]),
                   models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return str(self.number)


class ListedCase(models.Model):
    """A case under listed supervision (挂牌督办) until it is delisted."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="listings",
                             verbose_name=_("case"))
    reason = models.TextField(_("reason"))
    listed_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("listed by"))
    listed_at = models.DateTimeField(_("listed at"))
    delisted_by = models.ForeignKey("org.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("delisted by"))
    delisted_at = models.DateTimeField(_("delisted at"), null=True, blank=True)
    delist_note = models.TextField(_("delisting note"), blank=True)

    class Meta:
        verbose_name = _("listed case")
        verbose_name_plural = _("listed cases")
        ordering = ["-listed_at"]
        constraints = [models.UniqueConstraint(fields=["case"],
                                               condition=models.Q(delisted_at__isnull=True),
                                               name="one_active_listing_per_case")]

    @property
    def active(self) -> bool:
        return self.delisted_at is None
