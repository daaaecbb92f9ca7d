from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    """Smart dispatch (智能派单): report text → matter type and its departments."""

    name = "huying.routing"
    verbose_name = _("Routing")

    def ready(self) -> None:
        # huey's autodiscovery imports tasks.py (the nightly training) by itself.
        from huying.routing import subscribers  # noqa: F401  (registers)
