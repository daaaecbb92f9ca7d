from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuplicatesConfig(AppConfig):
    """Duplicate reports across channels (重复吹哨/重复交办): candidates by place, time,
    matter and text, with their reasons; merge by one click or, above a strict
    threshold, automatically."""

    name = "huying.duplicates"
    verbose_name = _("Duplicates")

    def ready(self) -> None:
        from huying.duplicates import subscribers  # noqa: F401  (registers on the bus)
