from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensitiveConfig(AppConfig):
    """Stability-sensitive matters (涉稳): a configurable lexicon and rules that flag a
    report with the words that matched, raise its colour and pin it on the centre board."""

    name = "huying.sensitive"
    verbose_name = _("Sensitive matters")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from huying.sensitive import subscribers  # noqa: F401  (subscribes on import)
        from huying.sensitive.models import SensitiveRule
        from huying.sensitive.selectors import matcher_forget

        for signal in (post_save, post_delete):
            signal.connect(lambda **_kw: matcher_forget(), sender=SensitiveRule,
                           weak=False, dispatch_uid=f"sensitive-forget-{id(signal)}")
