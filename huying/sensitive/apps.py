from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensitiveConfig(AppConfig):
    """Stability-sensitive matters (涉稳): a configurable lexicon and rules that flag a
    report with the words that matched, raise its colour and pin it on the centre board."""

    name = "huying.sensitive"
    verbose_name = _("Sensitive matters")
