"""Who is calling the API: a signed-in browser session or a machine client's bearer token.

Tokens (12345 system, grid app) are shown once when issued; only their SHA-256 is stored, so
a leaked database does not leak working tokens. A session is the Django login of the web
pages; its unsafe requests must carry the CSRF token, a bearer request needs none (it sends
no cookie a third-party page could ride on).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from huying.common.errors import NotFound, PermissionDenied, ValidationFailed
from huying.common.models import ApiToken
from huying.org.models import User
from huying.org.selectors import is_admin

TOKEN_PREFIX = "hy_"
# Writing last_used_at on every request would turn each read into a write; a minute's
# precision is enough to see which tokens are still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def may_manage_tokens(actor: User | None) -> bool:
    if actor is None:  # the system: a command run on the server
        return True
    return is_admin(actor)


@transaction.atomic
def token_issue(*, actor: User | None, user: User, name: str, now: datetime
                ) -> tuple[ApiToken, str]:
    """Issue a bearer token for `user`. Returns the row and the plaintext, which is shown
    once and never stored."""
    if not may_manage_tokens(actor):
        raise PermissionDenied(_("Only administrators may issue API tokens."))
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(_("Give the token a name of at most 100 characters."),
                               field="name")
    if not user.is_active:
        raise ValidationFailed(_("User %(user)s is not active.") % {"user": user.username},
                               field="user")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=token_digest(plaintext),
                                    created_at=now)
    return token, plaintext


@transaction.atomic
def token_revoke(*, actor: User | None, token_id: int, now: datetime) -> ApiToken:
    if not may_manage_tokens(actor):
        raise PermissionDenied(_("Only administrators may revoke API tokens."))
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("API token %(id)d was not found.") % {"id": token_id})
    token.revoked = True
    token.save(update_fields=["revoked"])
    return token


def token_lookup(plaintext: str, *, now: datetime) -> ApiToken | None:
    """The live token of an active user, or None."""
    if not plaintext:
        return None
    token = (ApiToken.objects.filter(digest=token_digest(plaintext.strip()), revoked=False,
                                     user__is_active=True)
             .select_related("user").first())
    if token is None:
        return None
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return token  # written less than a minute ago: a read stays a read
    # A conditional UPDATE: concurrent requests write at most once a minute between them.
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    return token


def token_user(plaintext: str, *, now: datetime) -> User | None:
    """The active user a live token belongs to, or None."""
    token = token_lookup(plaintext, now=now)
    return token.user if token is not None else None


def request_token(request: HttpRequest) -> ApiToken | None:
    """The bearer token the API request was authenticated with; None for a session."""
    return getattr(request, "api_token", None)


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_lookup(token, now=timezone.now())
        if found is None:
            return None
        # Handlers and selectors read request.user, whichever way the caller signed in;
        # intake reads the token to learn the channel and source system it is bound to.
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionCsrfAuth(SessionAuth):
    """The Django session, CSRF-checked for unsafe methods. Unlike Ninja's SessionAuth the
    CSRF check runs only for a signed-in user, so an anonymous caller gets 401, not 403."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise PermissionDenied(_("The CSRF token is missing or wrong. Reload the page."),
                                   code="csrf_failed")
        return user


api_auth = [BearerTokenAuth(), SessionCsrfAuth()]


def user_of_request(request: HttpRequest) -> User | None:
    """For plain Django views (file downloads): the session user or the bearer token's."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return token_user(value, now=timezone.now())
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None
