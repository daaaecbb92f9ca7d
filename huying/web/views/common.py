"""What every page view shares: the clock, htmx detection, and parsing of form values into
the types the services take (a malformed value is a `ValidationFailed` naming its field,
shown next to it like any other refusal)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.common.errors import ValidationFailed


def now() -> datetime:
    return timezone.now()


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def text(data, name: str) -> str:
    return (data.get(name) or "").strip()


def flag(data, name: str) -> bool:
    return data.get(name) in ("on", "true", "1", "yes")


def integer(data, name: str, *, label: str, required: bool = True) -> int | None:
    raw = text(data, name)
    if not raw:
        if required:
            raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=name)
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(_("%(label)s must be a whole number.") % {"label": label},
                               field=name) from None


def version(data) -> int | None:
    """The version the user saw; absent or malformed means "do not check"."""
    raw = text(data, "expected_version")
    return int(raw) if raw.isdigit() else None


def coordinate(data, name: str) -> float | None:
    raw = text(data, name)
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValidationFailed(_("The location is not valid."), field="location") from None
