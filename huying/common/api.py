"""The JSON API (`/api/v1/`): one NinjaAPI, each app adds its router, domain errors are
mapped to `{code, message}` here and nowhere else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from huying.common.errors import DomainError

api = NinjaAPI(
    title="huying 呼应 API",
    version="1",
    urls_namespace="api",
    description="乡呼县应、街乡吹哨部门报到联动指挥平台的接口。",
)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = {"code": exc.code, "message": exc.message}
    if exc.details:
        body["details"] = exc.details
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = []
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        fields.append({"field": loc, "message": err.get("msg", "")})
    return api.create_response(
        request,
        {"code": "invalid", "message": _("The request contains invalid fields."),
         "details": {"fields": fields}},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"code": "unauthenticated", "message": _("Please sign in first.")}, status=401)


def register_routers() -> None:
    """Attach every app's router once (called from urls.py)."""
    from huying.analytics.api import router as analytics_router
    from huying.assessment.api import router as assessment_router
    from huying.cases.api import router as cases_router
    from huying.catalog.api import router as catalog_router
    from huying.notifications.api import router as notifications_router
    from huying.supervision.api import router as supervision_router

    api.add_router("/catalog", catalog_router)
    api.add_router("/supervision", supervision_router)
    api.add_router("/assessment", assessment_router)
    api.add_router("/analytics", analytics_router)
    api.add_router("/notifications", notifications_router)
    # Cases sit at the root: /api/v1/cases, /api/v1/assignments/…, /api/v1/queues…
    api.add_router("", cases_router)
