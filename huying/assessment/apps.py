from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "huying.assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from huying.assessment.models import Scheme
        from huying.assessment.services import SCHEMES
        from huying.common import memo

        memo.forget_on_change(SCHEMES, Scheme)
