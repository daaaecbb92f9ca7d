from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "huying.org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from huying.common import memo
        from huying.org.models import OrgUnit
        from huying.org.selectors import UNITS

        memo.forget_on_change(UNITS, OrgUnit)
