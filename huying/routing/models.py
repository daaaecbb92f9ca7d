"""What the classifier suggested for a case when it was reported (智能派单的建议)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseSuggestion(models.Model):
    """The top matter types of a new case, with their confidence, as the model in use at
    the report saw them. `suggestions` is [{"code": "M002", "confidence": 0.83}, …], most
    likely first; `stale` says the county's catalogue had changed since that model was
    trained (the codes are then among those still in force)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="routing_suggestion", verbose_name=_("case"))
    suggestions = models.JSONField(_("suggestions"), default=list)
    model_version = models.CharField(_("model version"), max_length=64)
    stale = models.BooleanField(_("stale"), default=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("matter type suggestion")
        verbose_name_plural = _("matter type suggestions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        if not self.suggestions:
            return str(self.case_id)
        top = self.suggestions[0]
        return f"{self.case_id}: {top['code']} {top['confidence']:.0%}"
