from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    """The Open311 GeoReport v2 server at /open311/v2/: published matter types as services,
    requests taken in through the Open311 channel."""

    name = "huying.open311"
    verbose_name = _("Open311")
