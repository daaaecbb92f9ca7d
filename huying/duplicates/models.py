"""Duplicate candidates (重复件候选): a new report and an earlier case it may repeat, with the
score and the reasons the scorer gave, until the supervisor merges or dismisses it (or the
platform merges it above the strict automatic threshold)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.common.messages import render


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("Awaiting decision")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not a duplicate")


class DuplicateCandidate(models.Model):
    # The later report, which would be merged, and the earlier case it would follow.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE,
                             related_name="duplicate_candidates", verbose_name=_("later report"))
    master = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("earlier case"))
    score = models.FloatField(_("score"))
    # Message keys with their parameters (common/messages.py), rendered when read.
    reasons = models.JSONField(_("reasons"), default=list)
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    automatic = models.BooleanField(_("merged automatically"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=CandidateStatus.choices,
                              default=CandidateStatus.OPEN)
    created_at = models.DateTimeField(_("found at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        ordering = ["case", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["case", "master"], name="duplicate_candidate_pair"),
            models.CheckConstraint(condition=~models.Q(case=models.F("master")),
                                   name="duplicate_candidate_two_cases"),
        ]
        indexes = [models.Index(fields=["case", "status"]),
                   models.Index(fields=["master", "status"])]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.master_id} ({self.score:.2f})"

    @property
    def reasons_text(self) -> list[str]:
        return [render(r) for r in self.reasons]
