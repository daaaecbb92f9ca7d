"""Sign-in and sign-out. The sign-in page lists the demo users when HUYING_DEMO_LOGINS is on
(the demo sets it; production never does); the demo app offers them through
`common.signin`, so the pages do not import the demo."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views

from huying.common.signin import sign_in_hints


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_logins"] = sign_in_hints() if getattr(
            settings, "HUYING_DEMO_LOGINS", False) else []
        return context


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule since 5.0); back to the sign-in page."""

    next_page = "web:login"
