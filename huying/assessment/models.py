"""Assessment (考核): the scoring scheme, the ledger of deductions and the appeals against
them (SPEC.md "Assessment").

The ledger is the truth: a department's score for a period is its scheme's points minus the
active deductions that occurred in the period, so every point lost names its case and rule,
and withdrawing a deduction (an upheld appeal) changes the score by recomputation alone.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.catalog.models import Colour
from huying.common.messages import MessageField


class SchemeKind(models.TextChoices):
    HUANGPU = "huangpu_three_dimensions", _("Three dimensions (signing, handling, satisfaction)")
    BEIJING = "beijing", _("Response, resolution and satisfaction rates")


class Dimension(models.TextChoices):
    SIGNING = "signing", _("On-time signing")
    HANDLING = "handling", _("Timely response and handling")
    SATISFACTION = "satisfaction", _("Satisfaction")


def points_field(verbose_name, default: str) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=7, decimal_places=2,
                               default=Decimal(default))


class Scheme(models.Model):
    """How departments are scored. The default is the 14-point module (Rongcheng: 1/10 of a
    department's annual score) split over Huangpu's three dimensions; each deduction's base
    points are multiplied by the weight of the case's colour (red > orange > … > green).
    The Beijing kind scores `total_points` × the weighted 响应率/解决率/满意率 instead."""

    # A message key (the default scheme) or the literal name an administrator typed.
    name = MessageField(_("name"))
    kind = models.CharField(_("kind"), max_length=32, choices=SchemeKind.choices,
                            default=SchemeKind.HUANGPU)
    is_default = models.BooleanField(_("default scheme"), default=False)
    total_points = points_field(_("total points"), "14")

    signing_points = points_field(_("points for on-time signing"), "4")
    handling_points = points_field(_("points for timely response and handling"), "6")
    satisfaction_points = points_field(_("points for satisfaction"), "4")

    sign_breach_points = points_field(_("deduction for late signing"), "0.2")
    respond_breach_points = points_field(_("deduction for late response"), "0.2")
    complete_breach_points = points_field(_("deduction for late completion"), "0.5")
    basically_satisfied_points = points_field(_("deduction for “basically satisfied”"), "0.2")
    unsatisfied_points = points_field(_("deduction for “unsatisfied”"), "0.5")

    weight_red = points_field(_("weight of red cases"), "2.0")
    weight_orange = points_field(_("weight of orange cases"), "1.6")
    weight_yellow = points_field(_("weight of yellow cases"), "1.3")
    weight_blue = points_field(_("weight of blue cases"), "1.0")
    weight_green = points_field(_("weight of green cases"), "0.8")

    weight_response = points_field(_("weight of the response rate"), "0.1")
    weight_resolution = points_field(_("weight of the resolution rate"), "0.45")
    weight_satisfaction = points_field(_("weight of the satisfaction rate"), "0.45")

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-is_default", "name"]
        constraints = [models.UniqueConstraint(fields=["is_default"],
                                               condition=models.Q(is_default=True),
                                               name="one_default_scheme")]

    def __str__(self) -> str:
        return str(self.name)

    def colour_weight(self, colour: str) -> Decimal:
        """The multiplier of a case colour; an uncoloured case counts as blue."""
        return {Colour.RED: self.weight_red, Colour.ORANGE: self.weight_orange,
                Colour.YELLOW: self.weight_yellow, Colour.BLUE: self.weight_blue,
                Colour.GREEN: self.weight_green}.get(colour, self.weight_blue)

    def dimension_points(self, dimension: str) -> Decimal:
        return {Dimension.SIGNING: self.signing_points,
                Dimension.HANDLING: self.handling_points,
                Dimension.SATISFACTION: self.satisfaction_points}[dimension]


class DeductionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Deduction(models.Model):
    """One entry of the ledger: points a department lost on a case, by a named rule."""

    department = models.ForeignKey("org.Department", on_delete=models.PROTECT,
                                   related_name="deductions", verbose_name=_("department"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="deductions",
                             verbose_name=_("case"))
    rule = models.CharField(_("rule"), max_length=48)
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    colour = models.CharField(_("colour"), max_length=16, choices=Colour.choices, blank=True)
    reason = MessageField(_("reason"))  # rendered in the reader's language
    occurred_at = models.DateTimeField(_("occurred at"))
    recorded_at = models.DateTimeField(_("recorded at"))
    source_key = models.CharField(_("source"), max_length=120, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=DeductionStatus.choices,
                              default=DeductionStatus.ACTIVE)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        ordering = ["-occurred_at", "id"]
        indexes = [models.Index(fields=["department", "status", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.department} −{self.points} ({self.rule})"


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Pending decision")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class Appeal(models.Model):
    """A department's appeal (申诉) against one deduction, decided by a supervisor."""

    deduction = models.ForeignKey(Deduction, on_delete=models.PROTECT, related_name="appeals",
                                  verbose_name=_("deduction"))
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT,
                                   related_name="appeals", verbose_name=_("department"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=AppealStatus.choices,
                              default=AppealStatus.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["deduction"],
                                               condition=models.Q(status="pending"),
                                               name="one_pending_appeal_per_deduction")]

    def __str__(self) -> str:
        return f"{self.department} · {self.deduction_id} · {self.get_status_display()}"
