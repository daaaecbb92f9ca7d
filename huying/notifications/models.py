"""The notification centre: one row per user and event, plus its outbound webhook deliveries.

A notification is what a person sees in the bell menu; a webhook delivery is the same event
pushed to an SMS or messaging gateway. They are kept apart so that a gateway outage never
touches what the user sees in the platform (FixMyStreet keeps case and delivery state apart
in the same way).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.common.messages import MessageField, empty


class Kind(models.TextChoices):
    NEW_WORK = "new_work", _("New work")
    SLA_WARNING = "sla_warning", _("Deadline warning")
    SLA_BREACH = "sla_breach", _("Deadline breached")
    SLIP = "slip", _("Supervision slip")
    INTERVIEW = "interview", _("Interview")
    DECISION = "decision", _("Decision")
    EVALUATION = "evaluation", _("Evaluation")
    RALLY = "rally", _("Rally call")
    SYSTEM = "system", _("System")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Message keys with parameters, rendered in the reader's language (common/messages.py).
    title = MessageField(_("title"), default=empty)
    body = MessageField(_("body"), default=empty, blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("case"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The same event announced twice (a retried job, a re-run sweep) must not ring twice.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True,
                                  blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"],
                                    condition=models.Q(dedupe_key__isnull=False),
                                    name="notification_dedupe_per_user"),
        ]
        indexes = [
            # "My unread, newest first" and "all mine, newest first".
            models.Index(fields=["user", "read_at", "-created_at"],
                         name="notification_user_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.title}"  # the title renders in the active language


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")


class WebhookDelivery(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE,
                                     related_name="deliveries",
                                     verbose_name=_("notification"))
    url = models.CharField(_("URL"), max_length=500)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"],
                                name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.url} ({self.status})"


class UpdateStatus(models.TextChoices):
    """Where a source update stands as a webhook; every row is in the pull feed whatever
    its status."""

    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")
    PULL_ONLY = "pull_only", _("Pull only (the channel has no endpoint)")


class SourceUpdate(models.Model):
    """One status change of a case told back to one source that reported it (回复来源系统):
    the row is at once the webhook delivery, its log, and an item of the pull feed.

    Keyed by the intake record, because the source knows its report only by its own
    external id. A case merged into another keeps its intake records, so its sources are
    told the merge and then every change of the master, each under its own external id.
    The id is the feed's cursor: rows of one channel are added with the channel row
    locked, so their ids grow in commit order and a poller never skips one.
    """

    channel = models.ForeignKey("cases.Channel", on_delete=models.PROTECT,
                                related_name="source_updates", verbose_name=_("channel"))
    intake = models.ForeignKey("cases.IntakeRecord", on_delete=models.PROTECT,
                               related_name="source_updates", verbose_name=_("intake record"))
    # Copied from the intake record: the feed filters and the admin searches on them.
    source_system = models.CharField(_("source system"), max_length=64)
    external_id = models.CharField(_("external id"), max_length=64)
    case_number = models.CharField(_("case number"), max_length=32)
    event = models.ForeignKey("cases.CaseEvent", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("case event"))
    case_status = models.CharField(_("case status"), max_length=32)
    # What is sent, without the parts rendered or added when sent (id, status labels).
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"))

    status = models.CharField(_("delivery status"), max_length=16,
                              choices=UpdateStatus.choices, default=UpdateStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    replays = models.PositiveSmallIntegerField(_("replays"), default=0)
    replayed_at = models.DateTimeField(_("replayed at"), null=True, blank=True)
    replayed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("replayed by"))

    class Meta:
        verbose_name = _("source update")
        verbose_name_plural = _("source updates")
        ordering = ["-id"]
        constraints = [
            # One change told once to each source, however the merges fan it out.
            models.UniqueConstraint(fields=["intake", "event"],
                                    name="source_update_once_per_intake_and_event"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="source_update_due"),
            models.Index(fields=["channel", "source_system", "id"], name="source_update_feed"),
            models.Index(fields=["intake", "id"], name="source_update_per_intake"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.channel_id}/{self.source_system}/{self.external_id}"
