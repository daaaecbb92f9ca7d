from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "huying.analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from huying.analytics import subscribers  # noqa: F401  (registers)
