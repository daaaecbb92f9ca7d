"""How the JSON API answers a refusal: domain errors, invalid input, a missing login and a
database that is unreachable for a moment are mapped to `{code, message}` here and nowhere
else. The API object itself is composed in
`huying/api.py`, which installs these handlers."""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from huying.common.errors import DomainError

log = logging.getLogger(__name__)
# What a client is told to wait before trying again: a PostgreSQL restart takes seconds.
RETRY_AFTER_SECONDS = 5


def error_handlers_install(api: NinjaAPI) -> None:
    """Attach the error mappings to `api`."""

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
            loc = ".".join(str(p) for p in err.get("loc", ())
                           if p not in ("body", "query", "path"))
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
            request, {"code": "unauthenticated", "message": _("Please sign in first.")},
            status=401)

    @api.exception_handler(OperationalError)
    def on_database_unavailable(request: HttpRequest, exc: OperationalError) -> HttpResponse:
        # A restart or failover of the database: a 503 in JSON that a source system retries
        # (intake is idempotent), not Django's 500 page. The journal still sees the cause.
        log.warning("database unavailable for %s %s: %s", request.method, request.path, exc)
        response = api.create_response(
            request, {"code": "database_unavailable",
                      "message": _("The database is briefly unavailable; please try again "
                                   "in a few seconds.")}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
