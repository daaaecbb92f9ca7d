from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "huying.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Listen to the case lifecycle (the subscribers register on import).
        from huying.notifications import subscribers  # noqa: F401
