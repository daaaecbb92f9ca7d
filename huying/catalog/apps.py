from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "huying.catalog"
    verbose_name = _("Lists")

    def ready(self) -> None:
        from huying.catalog.models import ListItem, ListVersion, MatterRelation, MatterType
        from huying.catalog.selectors import LISTS
        from huying.common import memo

        memo.forget_on_change(LISTS, ListVersion, ListItem, MatterType, MatterRelation)
