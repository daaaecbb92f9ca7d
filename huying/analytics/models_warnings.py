"""Early warnings (预警): what the hourly scan found, one row per episode.

A warning concerns one key of one kind in one county — a grid, a hexagonal cell, a matter
type, a place and matter (repeated reports), a cluster of stability-sensitive reports. While
it is open or acknowledged a scan that finds the same key again updates the same row (its
figures, its cases, `last_seen`); the conditional unique constraint makes that the only row.

Title and explanation are stored as message keys with parameters (common/messages.py) and
rendered in the reader's language: names of places and matters are parameters as they are.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huying.common.messages import MessageField, empty


class WarningKind(models.TextChoices):
    SURGE_UNIT = "surge_unit", _("Surge in a grid")
    SURGE_CELL = "surge_cell", _("Surge in an area")
    SURGE_MATTER = "surge_matter", _("Surge of a matter type")
    REPEATED = "repeated", _("Repeated reports")
    SENSITIVE = "sensitive", _("Stability-sensitive cluster")


class WarningState(models.TextChoices):
    OPEN = "open", _("Not yet handled")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Warning closed")


__all__ = ["LIVE_STATES", "EarlyWarning", "WarningKind", "WarningState"]

LIVE_STATES = (WarningState.OPEN, WarningState.ACKNOWLEDGED)


class EarlyWarning(models.Model):
    county = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county"))
    kind = models.CharField(_("kind"), max_length=16, choices=WarningKind.choices)
    # unit id, H3 cell, matter type id, "cell:…|matter:…" — what the scan keys the episode by
    key = models.CharField(_("key"), max_length=100)
    title = MessageField(_("title"), default=empty)
    explanation = MessageField(_("explanation"), default=empty)
    # current, baseline, expected_low, expected_high, z, ratio, window_first, window_last
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    current = models.PositiveIntegerField(_("reports in the window"), default=0)
    z = models.FloatField(_("robust z-score"), null=True, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    case_ids = models.JSONField(_("cases"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=WarningState.choices,
                             default=WarningState.OPEN)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    acknowledged_by = models.ForeignKey("org.User", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_by = models.ForeignKey("org.User", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("time closed"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "kind", "key"],
                                    condition=Q(state__in=["open", "acknowledged"]),
                                    name="early_warning_one_live_per_key"),
        ]
        indexes = [models.Index(fields=["county", "state", "kind"]),
                   models.Index(fields=["county", "kind", "key"])]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def live(self) -> bool:
        return self.state in LIVE_STATES
