from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Reports taken in by the batch: 12345 work-order exports (Excel, CSV) imported row by
    row through the 12345 channel, resumable, with a dry run and a row-level error report."""

    name = "huying.intake"
    verbose_name = _("Batch intake")
