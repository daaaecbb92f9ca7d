from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "huying.demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        # The sign-in page lists the demo users (when HUYING_DEMO_LOGINS is on).
        from huying.common.signin import sign_in_hints_provide
        from huying.demo.seed import demo_login_rows

        sign_in_hints_provide("demo", demo_login_rows)
