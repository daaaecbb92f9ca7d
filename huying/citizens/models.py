"""The citizen's own records: the one-time codes that confirm a phone, the reports a
citizen filed from the H5 page (with the hash of their tracking link), and the citizen's
rating of the outcome.

No user account is made for a citizen. A report is filed by the platform on the citizen's
behalf (`actor=None` in the case services: the `report` transition allows the system); the
case keeps the confirmed phone and the name given in its reporter fields, and a
`CitizenReport` ties the case to that phone. The citizen's rating (群众满意度) is kept here,
apart from the town's evaluation of the department (`cases.Evaluation`, 评价), which
closes or reopens the case: the two answer different questions and feed different
indicators.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PhoneCode(models.Model):
    """A one-time code sent to a phone (短信验证码). Only its keyed hash is kept."""

    phone = models.CharField(_("phone"), max_length=11)
    code_hash = models.CharField(_("code hash"), max_length=64)
    client_ip = models.CharField(_("client address"), max_length=45, blank=True)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["phone", "created_at"]),
                   models.Index(fields=["client_ip", "created_at"])]

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class CitizenReport(models.Model):
    """A case a citizen reported from the H5 page, under the phone they confirmed.

    `token_hash` is the SHA-256 of the tracking link's secret part; the link itself is shown
    once and never stored. Issuing a new link replaces the hash, so the old link stops
    working."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT,
                                related_name="citizen_report", verbose_name=_("case"))
    phone = models.CharField(_("phone"), max_length=11)
    token_hash = models.CharField(_("tracking link hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("reported at"))
    link_issued_at = models.DateTimeField(_("link issued at"))

    class Meta:
        verbose_name = _("citizen report")
        verbose_name_plural = _("citizen reports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["phone", "created_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.phone}"


class CitizenRatingChoice(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


# Counted as satisfied in the citizen satisfaction rate (群众满意率 = 满意 + 基本满意).
CITIZEN_SATISFIED = frozenset({CitizenRatingChoice.SATISFIED,
                               CitizenRatingChoice.BASICALLY_SATISFIED})


class CitizenRating(models.Model):
    """The citizen's rating of the outcome (群众评价), once per citizen report.

    `case` is the case whose outcome was rated: the citizen's own, or the case it was merged
    into (a duplicate follows the case that carries on); `cycle` is that case's handling
    cycle, so that a department is credited with the cycles it led."""

    report = models.OneToOneField(CitizenReport, on_delete=models.PROTECT,
                                  related_name="rating", verbose_name=_("citizen report"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT,
                             related_name="citizen_ratings", verbose_name=_("case"))
    cycle = models.PositiveIntegerField(_("handling cycle"))
    rating = models.CharField(_("rating"), max_length=32, choices=CitizenRatingChoice.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("citizen rating")
        verbose_name_plural = _("citizen ratings")
        indexes = [models.Index(fields=["rated_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rating}"
