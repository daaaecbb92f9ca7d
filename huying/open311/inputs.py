"""Parsing what GeoReport clients send: the filters of GET requests and the form of POST
requests. Each parser returns clean values or raises ValidationFailed (a 400) naming the
parameter, before anything is read or written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.common.errors import ValidationFailed
from huying.open311.selectors import STATUS_GROUPS

# W3C-DTF (the spec's "w3 format"): a day, or a time of day with its zone (Z or ±hh:mm).
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
# "The range may not span more than 90 days."
MAX_SPAN = timedelta(days=90)
MAX_IDS = 1000
MEDIA_URL_MAX = 500


def w3c_datetime(value: str, *, field: str) -> datetime:
    """A W3C datetime; a bare day means its midnight in the county's time zone. A time
    without its zone is refused, since the spec requires it."""
    # A client that did not encode "+08:00" sends "+" as a space.
    value = value.strip().replace(" ", "+")
    try:
        if W3C_DATE.match(value):
            day = datetime.fromisoformat(value).date()
            return timezone.make_aware(datetime.combine(day, time.min))
        if W3C_DATETIME.match(value):
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    raise ValidationFailed(
        _("%(field)s must be a W3C datetime with its time zone, e.g. "
          "2026-03-02T09:00:00+08:00.") % {"field": field}, field=field)


def comma_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@dataclass(frozen=True)
class RequestFilters:
    ids: list[str]
    service_codes: list[str]
    statuses: list[str]
    start: datetime | None
    end: datetime | None


def request_filters_parse(params: Mapping[str, str], *, now: datetime) -> RequestFilters:
    ids = comma_list(params.get("service_request_id"))
    if len(ids) > MAX_IDS:
        raise ValidationFailed(_("Ask for at most %(max)d service_request_id at once.")
                               % {"max": MAX_IDS}, field="service_request_id")
    statuses = comma_list(params.get("status"))
    for status in statuses:
        if status not in STATUS_GROUPS:
            raise ValidationFailed(_("status must be open or closed, not %(status)s.")
                                   % {"status": status[:20]}, field="status")
    start = (w3c_datetime(params["start_date"], field="start_date")
             if params.get("start_date") else None)
    end = w3c_datetime(params["end_date"], field="end_date") if params.get("end_date") else None
    if start is not None and end is not None:
        if end <= start:
            raise ValidationFailed(_("end_date must be later than start_date."),
                                   field="end_date")
        if end - start > MAX_SPAN:
            raise ValidationFailed(_("start_date and end_date may not span more than 90 days."),
                                   field="end_date")
    elif start is not None:
        end = start + MAX_SPAN
    elif end is not None:
        start = end - MAX_SPAN
    else:
        start, end = now - MAX_SPAN, None
    return RequestFilters(ids=ids, service_codes=comma_list(params.get("service_code")),
                          statuses=statuses, start=start, end=end)


@dataclass(frozen=True)
class RequestForm:
    """POST requests, as the spec's form fields."""

    service_code: str
    latitude: float | None
    longitude: float | None
    address_string: str
    description: str
    reporter_name: str
    reporter_phone: str
    media_url: str
    attributes: dict[str, str]


def coordinate(value: str, *, field: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValidationFailed(_("%(field)s must be a number in decimal degrees (WGS84).")
                               % {"field": field}, field=field) from None


def reporter_name_of(first: str, last: str) -> str:
    """One name from the spec's two: Chinese names family name first, without a space."""
    if re.search(r"[\u3400-\u9fff]", first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


def request_form_parse(form: Mapping[str, str]) -> RequestForm:
    service_code = (form.get("service_code") or "").strip()
    if not service_code:
        raise ValidationFailed(_("service_code is required."), field="service_code")
    lat, lon = (form.get("lat") or "").strip(), (form.get("long") or "").strip()
    address_string = (form.get("address_string") or "").strip()
    if bool(lat) != bool(lon):
        raise ValidationFailed(_("Give both lat and long, or neither."), field="lat")
    if not lat and not address_string:
        raise ValidationFailed(_("Give the location: lat and long, or address_string."),
                               field="lat")
    description = (form.get("description") or "").strip()
    if not description:
        raise ValidationFailed(_("description is required."), field="description")
    email = (form.get("email") or "").strip()
    if email:
        # Checked so a client learns of a typo; the platform answers back by phone and
        # keeps no email addresses.
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ValidationFailed(_("email is not a valid address."), field="email") from None
    media_url = (form.get("media_url") or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ValidationFailed(_("media_url must be an http or https URL."),
                                   field="media_url") from None
        if len(media_url) > MEDIA_URL_MAX:
            raise ValidationFailed(_("media_url is longer than %(max)d characters.")
                                   % {"max": MEDIA_URL_MAX}, field="media_url")
    attributes = {key[len("attribute["):-1]: value for key, value in form.items()
                  if key.startswith("attribute[") and key.endswith("]")}
    return RequestForm(
        service_code=service_code,
        latitude=coordinate(lat, field="lat") if lat else None,
        longitude=coordinate(lon, field="long") if lon else None,
        address_string=address_string, description=description,
        reporter_name=reporter_name_of((form.get("first_name") or "").strip(),
                                       (form.get("last_name") or "").strip()),
        reporter_phone=(form.get("phone") or "").strip(), media_url=media_url,
        attributes=attributes)
