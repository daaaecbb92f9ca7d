from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "huying.supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # Listen to the case lifecycle, and answer the case reads that need the clocks.
        from huying.cases import ports
        from huying.supervision import selectors, subscribers  # noqa: F401  (registers)

        ports.provide(case_clocks=selectors.case_clock_views,
                      case_ids_overdue=lambda now: selectors.case_ids_overdue(now=now))
