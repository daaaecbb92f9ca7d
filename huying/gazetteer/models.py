"""The gazetteer's own rows: the places an administrator names (roads, compounds, landmarks,
natural villages, other names of units) and where each case was found by its words.

The territorial units themselves are names without a row here: `names.py` derives their
aliases (城关镇 → 城关) when the matcher is built.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.common.messages import MessageField, empty


class PlaceKind(models.TextChoices):
    ROAD = "road", _("Road or street")
    COMPOUND = "compound", _("Residential compound")
    LANDMARK = "landmark", _("Landmark or institution")
    VILLAGE = "village", _("Natural village")
    UNIT_ALIAS = "unit_alias", _("Other name of a unit")


class Place(models.Model):
    """A named place of a county (地名): where it lies is `unit`, the deepest territorial
    unit that contains all of it (a compound's grid; a road crossing grids: its community).
    `aliases` are the other names people use (俗称, 简称, old names)."""

    county = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT,
                             related_name="gazetteer_places", verbose_name=_("lies in"))
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    geometry = models.JSONField(_("outline (GeoJSON)"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("place name")
        verbose_name_plural = _("place names")
        ordering = ["county", "name"]
        indexes = [models.Index(fields=["county", "kind"])]
        constraints = [
            models.UniqueConstraint(fields=["county", "name", "unit"],
                                    name="gazetteer_place_unique_in_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class LocationSource(models.TextChoices):
    POINT = "point", _("Point")
    TEXT = "text", _("Address text")
    POINT_TEXT = "point_text", _("Point and address text")
    MANUAL = "manual", _("Chosen by a person")
    NONE = "none", _("Not located")


class CaseLocation(models.Model):
    """How a case was located when it was reported: by its point, by its words, or not at
    all (then it waits in 待定位). `text_unit` is where the words point, even when the point
    won; `conflict` says that they disagree."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="gazetteer_location", verbose_name=_("case"))
    source = models.CharField(_("located by"), max_length=16, choices=LocationSource.choices)
    text_unit = models.ForeignKey("org.OrgUnit", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("unit named by the text"))
    words = models.JSONField(_("matched words"), default=list, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    conflict = models.BooleanField(_("text and point disagree"), default=False)
    reason = MessageField(_("reason"), default=empty, blank=True)
    located_at = models.DateTimeField(_("located at"))

    class Meta:
        verbose_name = _("case location")
        verbose_name_plural = _("case locations")
        indexes = [models.Index(fields=["source"])]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.get_source_display()}"
