from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "huying.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # The action declarations fill the registry, in the order the page offers them.
        from huying.cases.actions import assignment, case, rally  # noqa: F401
        from huying.cases.models import CHANNELS, Channel
        from huying.common import memo

        memo.forget_on_change(CHANNELS, Channel)
