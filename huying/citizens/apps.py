from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    """The citizen's own page (H5): a report without an account, a phone confirmed by a
    one-time code, an unguessable tracking link, and the citizen's rating of the outcome."""

    name = "huying.citizens"
    verbose_name = _("Citizens")
