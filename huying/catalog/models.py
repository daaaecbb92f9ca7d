"""The lists (清单): matter catalogue, town duty list, call-matter list, grid admission list.

Every list is a `ListVersion` with an effective date. A draft is editable; a published
version is read-only (services refuse changes) and public. The version in force on a day is
the published one with the latest effective date not after that day.

Matter types belong to a catalogue version, so a case keeps the exact rules (departments,
limits, colour) that were in force when it was classified. The three other lists name matter
codes, which stay stable from one catalogue version to the next.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huying.common.messages import MessageField, empty


class ListKind(models.TextChoices):
    CATALOGUE = "catalogue", _("Matter catalogue")
    TOWN_DUTY = "town_duty", _("Town duty list")
    CALL = "call", _("Call-matter list")
    GRID_ADMISSION = "grid_admission", _("Grid admission list")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Colour(models.TextChoices):
    """五色: the supervision colour, most severe first."""

    RED = "red", _("Red")
    ORANGE = "orange", _("Orange")
    YELLOW = "yellow", _("Yellow")
    BLUE = "blue", _("Blue")
    GREEN = "green", _("Green")


COLOUR_SEVERITY = {Colour.RED: 5, Colour.ORANGE: 4, Colour.YELLOW: 3, Colour.BLUE: 2,
                   Colour.GREEN: 1}


class LimitUnit(models.TextChoices):
    NATURAL_HOURS = "natural_hours", _("Natural hours")
    WORKING_HOURS = "working_hours", _("Working hours")
    WORKING_DAYS = "working_days", _("Working days")


class Domain(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class GridCategory(models.Model):
    """One of the grid admission list's categories (矛盾纠纷, 治安安全隐患, …)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("grid category")
        verbose_name_plural = _("grid categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ListVersion(models.Model):
    county = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT,
                               related_name="list_versions", verbose_name=_("county"))
    kind = models.CharField(_("list"), max_length=32, choices=ListKind.choices)
    number = models.PositiveIntegerField(_("version"))
    # Title and note: what an administrator typed (a literal) or, for the bundled reference
    # lists, a message key rendered in the reader's language (common/messages.py).
    title = MessageField(_("title"))
    effective_from = models.DateField(_("effective from"))
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT)
    note = MessageField(_("note"), default=empty, blank=True)
    created_at = models.DateTimeField(_("created at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("published by"))

    class Meta:
        verbose_name = _("list version")
        verbose_name_plural = _("list versions")
        ordering = ["county", "kind", "-number"]
        constraints = [models.UniqueConstraint(fields=["county", "kind", "number"],
                                               name="list_version_unique")]
        # "The version in force on a day" is the hot read of every call and dispatch.
        indexes = [models.Index(fields=["county", "kind", "status", "effective_from"],
                                name="list_version_in_force")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}（{self.effective_from}）"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class MatterType(models.Model):
    """One line of the matter catalogue (属地管理事项清单)."""

    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE,
                                related_name="matter_types", verbose_name=_("catalogue version"))
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=100)
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, verbose_name=_("domain"))
    grid_category = models.ForeignKey(GridCategory, null=True, blank=True,
                                      on_delete=models.PROTECT, verbose_name=_("grid category"))
    lead_department = models.ForeignKey("org.Department", on_delete=models.PROTECT,
                                        related_name="lead_matters",
                                        verbose_name=_("lead department (主体责任)"))
    co_departments = models.ManyToManyField("org.Department", blank=True,
                                            related_name="co_matters",
                                            verbose_name=_("co-departments (配合责任)"))
    colour = models.CharField(_("colour"), max_length=16, choices=Colour.choices)
    urgent = models.BooleanField(_("urgent"), default=False)
    sign_amount = models.DecimalField(_("sign limit"), max_digits=6, decimal_places=2)
    sign_unit = models.CharField(_("sign limit unit"), max_length=16, choices=LimitUnit.choices)
    respond_amount = models.DecimalField(_("response limit"), max_digits=6, decimal_places=2)
    respond_unit = models.CharField(_("response limit unit"), max_length=16,
                                    choices=LimitUnit.choices)
    complete_amount = models.DecimalField(_("completion limit"), max_digits=6, decimal_places=2)
    complete_unit = models.CharField(_("completion limit unit"), max_length=16,
                                     choices=LimitUnit.choices)
    standard = models.TextField(_("handling standard"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    examples = models.JSONField(_("examples"), default=list, blank=True)

    class Meta:
        verbose_name = _("matter type")
        verbose_name_plural = _("matter types")
        ordering = ["version", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"],
                                               name="matter_type_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def limit(self, metric: str) -> tuple[Decimal, str]:
        """(amount, unit) of the `sign`, `respond` or `complete` limit."""
        return getattr(self, f"{metric}_amount"), getattr(self, f"{metric}_unit")


class ListItem(models.Model):
    """A line of the town duty, call-matter or grid admission list, naming a matter code."""

    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="items",
                                verbose_name=_("list version"))
    # The item's number on the published list (第 n 项): refusals quote it.
    position = models.PositiveIntegerField(_("item number"), default=0)
    matter_code = models.CharField(_("matter code"), max_length=16)
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        ordering = ["version", "position", "matter_code"]
        constraints = [models.UniqueConstraint(fields=["version", "matter_code"],
                                               name="list_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.matter_code} {self.title}"


class MatterRelation(models.Model):
    """Two matter types that often name one problem (相关事项): a flooded street and a
    blocked drain, a polluted river and a factory's discharge. Duplicate finding treats a
    related pair almost like the same matter.

    Catalogue-wide and by matter code: the codes stay stable from one catalogue version to
    the next and the bundled catalogue's codes are shared by the counties that adopt it, so
    one table serves every version and county (a code a county does not use never meets).
    Symmetric: stored once, the smaller code first."""

    code_a = models.CharField(_("matter code"), max_length=16)
    code_b = models.CharField(_("related matter code"), max_length=16)
    note = models.CharField(_("why they are related"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("related matter types")
        verbose_name_plural = _("related matter types")
        ordering = ["code_a", "code_b"]
        constraints = [
            models.UniqueConstraint(fields=["code_a", "code_b"], name="matter_relation_unique"),
            models.CheckConstraint(condition=models.Q(code_a__lt=models.F("code_b")),
                                   name="matter_relation_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code_a} ↔ {self.code_b}"

    def save(self, *args, **kwargs) -> None:
        self.code_a, self.code_b = sorted((self.code_a.strip(), self.code_b.strip()))
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Ordered before the unique check runs, so "B ↔ A" is found to exist as "A ↔ B".
        self.code_a, self.code_b = sorted((self.code_a.strip(), self.code_b.strip()))
        if self.code_a == self.code_b:
            raise ValidationError({"code_b": gettext("A matter type is not related to itself.")})
        known = set(MatterType.objects.filter(code__in=(self.code_a, self.code_b))
                    .values_list("code", flat=True))
        for field, code in (("code_a", self.code_a), ("code_b", self.code_b)):
            if code not in known:
                raise ValidationError({field: gettext("No matter type has the code %(code)s.")
                                       % {"code": code}})
