"""Domain errors: raised by services, mapped once to HTTP in `huying.common.api`.

Each carries a stable machine code and a Chinese message for the user. Raising one inside a
service's transaction rolls the whole action back, so a refused action changes nothing.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every refusal a user may see."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.details = details


class ValidationFailed(DomainError):
    """An input is malformed or out of range (422)."""

    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    """The actor's role or organisation does not allow the action (403)."""

    status = 403
    code = "forbidden"


class TransitionNotAllowed(DomainError):
    """The object's state does not allow the action (409)."""

    status = 409
    code = "transition_not_allowed"


class StaleVersion(DomainError):
    """Someone else changed the object meanwhile (409)."""

    status = 409
    code = "stale_version"


class NotOnList(DomainError):
    """A list (清单) forbids the action (422)."""

    code = "not_on_list"
