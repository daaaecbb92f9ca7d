from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GazetteerConfig(AppConfig):
    """Where a report is, read from its words: the county's place names (units from the
    territorial tree, roads, compounds, landmarks, aliases) matched in the text and
    resolved to the deepest consistent unit."""

    name = "huying.gazetteer"
    verbose_name = _("Gazetteer")
