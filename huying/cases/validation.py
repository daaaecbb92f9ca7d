"""Input checks shared by the case services: each returns the cleaned value or raises
`ValidationFailed` naming the field, before anything is written."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from huying.cases.models import Rating, channel_is_active
from huying.common.errors import ValidationFailed

PHONE = re.compile(r"^\+?[0-9][0-9-]{6,19}$")
ID_NUMBER = re.compile(r"^[0-9]{17}[0-9Xx]$")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def text(value: Any, *, field: str, label: str, max_length: int = 5000,
         required: bool = True) -> str:
    cleaned = (value or "").strip() if isinstance(value, str) else value
    if cleaned is None or cleaned == "":
        if required:
            raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
        return ""
    if not isinstance(cleaned, str):
        raise ValidationFailed(_("%(label)s must be text.") % {"label": label}, field=field)
    if len(cleaned) > max_length:
        raise ValidationFailed(_("%(label)s is longer than %(max)d characters.")
                               % {"label": label, "max": max_length}, field=field)
    return cleaned


def reason(value: Any) -> str:
    return text(value, field="reason", label=_("The reason"), max_length=2000)


def channel_check_active(code: str) -> None:
    """Cases arrive only through a channel of the registry that is switched on."""
    if not isinstance(code, str) or not channel_is_active(code):
        raise ValidationFailed(_("Unknown or inactive channel %(channel)s.")
                               % {"channel": str(code)[:40]}, field="channel")


def id_number_valid(value: str) -> bool:
    if not ID_NUMBER.match(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17].upper()


def report_fields(*, channel: str, title: str, description: str, reporter_name: str,
                  reporter_phone: str, reporter_id_number: str, address: str,
                  longitude: float | None, latitude: float | None, external_ref: str
                  ) -> dict[str, Any]:
    channel_check_active(channel)
    phone = text(reporter_phone, field="reporter_phone", label=_("The phone number"),
                 max_length=20, required=False)
    if phone and not PHONE.match(phone):
        raise ValidationFailed(_("The phone number %(phone)s is not valid.") % {"phone": phone},
                               field="reporter_phone")
    id_number = text(reporter_id_number, field="reporter_id_number", label=_("The ID number"),
                     max_length=18, required=False).upper()
    if id_number and not id_number_valid(id_number):
        raise ValidationFailed(_("The ID number is not a valid resident ID number."),
                               field="reporter_id_number")
    if (longitude is None) != (latitude is None):
        raise ValidationFailed(_("Give both longitude and latitude, or neither."),
                               field="location")
    if longitude is not None and not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise ValidationFailed(_("The location is not a valid longitude/latitude."),
                               field="location")
    return {
        "channel": channel,
        "title": text(title, field="title", label=_("The title"), max_length=200),
        "description": text(description, field="description", label=_("The description")),
        "reporter_name": text(reporter_name, field="reporter_name", label=_("The reporter"),
                              max_length=50, required=False),
        "reporter_phone": phone,
        "reporter_id_number": id_number,
        "address": text(address, field="address", label=_("The address"), max_length=200,
                        required=False),
        "longitude": longitude,
        "latitude": latitude,
        "external_ref": text(external_ref, field="external_ref",
                             label=_("The external reference"), max_length=64, required=False),
    }


def evaluation(*, stars: Any, rating: str, comment: str) -> tuple[int, str, str]:
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValidationFailed(_("Stars are a whole number from 1 to 5."), field="stars")
    if rating not in Rating.values:
        raise ValidationFailed(_("Unknown rating %(rating)s.") % {"rating": rating},
                               field="rating")
    comment = text(comment, field="comment", label=_("The comment"), max_length=2000,
                   required=rating == Rating.UNSATISFIED)
    return stars, rating, comment
