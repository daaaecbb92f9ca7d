"""Domain errors: raised by services, mapped once to HTTP in `huying.common.api`.

Each carries a stable machine code and a Chinese message for the user. Raising one inside a
service's transaction rolls the whole action back, so a refused action changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


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


class IntakeConflict(DomainError):
    """A source system sent a different report under an external id it already used (409)."""

    status = 409
    code = "intake_conflict"


class NotOnList(DomainError):
    """A list (清单) forbids the action (422)."""

    code = "not_on_list"


# Pydantic's own words for its built-in checks are English; these are the ones our inputs
# can meet. Our own field types raise their messages already translated.
def input_error_message(error: dict[str, Any]) -> str:
    """A readable message for one pydantic error (as in `ValidationError.errors()`)."""
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("A whole number is needed here.")
    if kind in ("float_parsing", "float_type"):
        return _("A number is needed here.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Yes or no is needed here.")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("This value has the wrong type.")
    if kind in ("too_long", "too_short"):
        return _("Too many or too few values.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    return str(error.get("msg", "")) or _("This value is not valid.")


def input_errors(errors: list[dict[str, Any]], *, skip: tuple[str, ...] = ()) -> list[dict]:
    """`[{field, message}]` for pydantic errors; location parts in `skip` are left out."""
    rows = []
    for error in errors:
        loc = ".".join(str(p) for p in error.get("loc", ()) if p not in skip)
        rows.append({"field": loc, "message": input_error_message(error)})
    return rows
