from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class GazetteerConfig(AppConfig):
    """Where a report is, read from its words: the county's place names (units from the
    territorial tree, roads, compounds, landmarks, aliases) matched in the text and
    resolved to the deepest consistent unit."""

    name = "huying.gazetteer"
    verbose_name = _("Gazetteer")

    def ready(self) -> None:
        from huying.gazetteer import subscribers  # noqa: F401  (registers the subscriber)
        from huying.gazetteer.locating import gazetteer_forget
        from huying.gazetteer.models import Place
        from huying.org.models import OrgUnit

        # A saved place or unit is seen by the next report of this process.
        for model in (Place, OrgUnit):
            post_save.connect(gazetteer_forget, sender=model,
                              dispatch_uid=f"gazetteer_forget_{model.__name__}_save")
            post_delete.connect(gazetteer_forget, sender=model,
                                dispatch_uid=f"gazetteer_forget_{model.__name__}_delete")
