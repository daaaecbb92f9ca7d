"""What the Open311 server keeps beside the case it files: the token it answered the caller
with, the requested service and the caller's media URL.

The case itself is an ordinary case of the `open311` channel; this row exists only so that
`tokens/{token}` can answer the case a POST made, and so that the requested service and the
caller's picture stay readable before the command centre registers an unlocated request."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One POST of an Open311 client: the case it filed and the unguessable token answered
    with it (GeoReport v2 `token`)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT,
                                related_name="open311_submission", verbose_name=_("case"))
    token = models.CharField(_("token"), max_length=64, unique=True)
    source_system = models.CharField(_("source system"), max_length=64)
    # The service the caller asked for: the case's matter type once registered, kept for a
    # request without coordinates that waits for the centre to locate and classify it.
    service_code = models.CharField(_("service code"), max_length=16)
    service_name = models.CharField(_("service name"), max_length=100)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self) -> str:
        return f"{self.case_id}/{self.source_system}"
