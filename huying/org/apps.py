from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "huying.org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from huying.common import memo
        from huying.org.models import Membership, OrgUnit, User
        from huying.org.selectors import PEOPLE, UNITS

        memo.forget_on_change(UNITS, OrgUnit)
        memo.forget_on_change(PEOPLE, Membership, User)
