from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from huying.common.signin import sign_in_hints_provide


class DemoConfig(AppConfig):
    name = "huying.demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        # The sign-in page lists the demo users (when HUYING_DEMO_LOGINS is on); the seed
        # module needs the models, so it is imported once the apps are ready.
        from huying.demo.seed import demo_login_rows

        sign_in_hints_provide("demo", demo_login_rows)
