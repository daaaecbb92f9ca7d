"""Writes of the gazetteer: a place saved by an administrator, and where a new case was
found by its words (`case_location_record`, run by the `CaseReported` subscriber)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from shapely.geometry import Point, shape

from huying.cases import services as case_services
from huying.cases.models import Case
from huying.common.errors import PermissionDenied, ValidationFailed
from huying.common.messages import Message, message
from huying.gazetteer.locating import locate_text
from huying.gazetteer.matcher import LocateResult
from huying.gazetteer.models import CaseLocation, LocationSource, Place, PlaceKind
from huying.gazetteer.names import normalise
from huying.org.geometry import geometry_validate
from huying.org.models import Level, OrgUnit, User
from huying.org.selectors import is_admin

MAX_ALIASES = 30
# A point a few metres outside its unit's drawn boundary is still that unit's place.
POINT_TOLERANCE_DEGREES = 0.0005


# --- places ------------------------------------------------------------------------------------

def aliases_clean(value: Any) -> list[str]:
    """Other names as a list of distinct non-empty texts; a text is split on new lines
    and on 、，, ; as an administrator types them."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        for separator in ("\r", "，", ",", "、", "；", ";"):
            value = value.replace(separator, "\n")
        value = value.split("\n")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed(_("Other names must be a list of texts."), field="aliases")
    names = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if len(names) > MAX_ALIASES:
        raise ValidationFailed(_("At most %(count)d other names.") % {"count": MAX_ALIASES},
                               field="aliases")
    for name in names:
        if len(normalise(name)) < 2:
            raise ValidationFailed(_("The other name %(name)s is too short: at least two "
                                     "characters.") % {"name": name}, field="aliases")
        if len(name) > 100:
            raise ValidationFailed(_("An other name has at most 100 characters."),
                                   field="aliases")
    return names


def place_validate(*, county: OrgUnit | None, name: str, kind: str, unit: OrgUnit | None,
                   aliases: Any = (), longitude: float | None = None,
                   latitude: float | None = None, geometry: Any = None) -> dict[str, Any]:
    """The cleaned fields of a place, or `ValidationFailed` naming the field at fault."""
    if county is None or county.level != Level.COUNTY:
        raise ValidationFailed(_("Choose the county the place belongs to."), field="county")
    name = (name or "").strip()
    if len(normalise(name)) < 2:
        raise ValidationFailed(_("The name must have at least two characters."),
                               field="name")
    if kind not in PlaceKind.values:
        raise ValidationFailed(_("Unknown kind of place: %(kind)s.") % {"kind": kind},
                               field="kind")
    if unit is None:
        raise ValidationFailed(_("Choose the unit the place lies in."), field="unit")
    if not unit.is_within(county) or unit.level == Level.COUNTY:
        raise ValidationFailed(
            _("%(unit)s is not a town, community or grid of %(county)s.")
            % {"unit": unit.name, "county": county.name}, field="unit")
    if not unit.active:
        raise ValidationFailed(_("%(unit)s is no longer active.") % {"unit": unit.name},
                               field="unit")
    names = [a for a in aliases_clean(aliases) if normalise(a) != normalise(name)]
    if (longitude is None) != (latitude is None):
        raise ValidationFailed(_("Give both longitude and latitude, or neither."),
                               field="longitude")
    if longitude is not None:
        for value, low, high, label, refusal in (
                (longitude, -180, 180, "longitude", _("The longitude is out of range.")),
                (latitude, -90, 90, "latitude", _("The latitude is out of range."))):
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value) or not low <= value <= high:
                raise ValidationFailed(refusal, field=label)
        if unit.geometry and not shape(unit.geometry).buffer(POINT_TOLERANCE_DEGREES) \
                .contains(Point(longitude, latitude)):
            raise ValidationFailed(_("The point lies outside %(unit)s.") % {"unit": unit.name},
                                   field="longitude")
    # A bad outline is refused by geometry_validate with the code invalid_geometry.
    geometry = None if geometry in (None, "", {}) else geometry_validate(geometry)
    return {"county": county, "name": name, "kind": kind, "unit": unit, "aliases": names,
            "longitude": longitude, "latitude": latitude, "geometry": geometry}


@transaction.atomic
def place_save(*, actor: User | None, now: datetime, place: Place | None = None,
               active: bool = True, **fields: Any) -> Place:
    """Create or change a place name (admin only; `actor=None` for the system's seeds)."""
    if actor is not None and not is_admin(actor):
        raise PermissionDenied(_("Only an administrator may edit the gazetteer."))
    cleaned = place_validate(**fields)
    place = place or Place()
    for name, value in cleaned.items():
        setattr(place, name, value)
    place.active = active
    duplicate = Place.objects.filter(county=place.county, name=place.name, unit=place.unit)
    if place.pk:
        duplicate = duplicate.exclude(pk=place.pk)
    if duplicate.exists():
        raise ValidationFailed(_("%(unit)s already has a place named %(name)s.")
                               % {"unit": place.unit.name, "name": place.name}, field="name")
    place.save()
    return place


# --- cases -------------------------------------------------------------------------------------

def case_location_record(*, case: Case, now: datetime) -> CaseLocation:
    """Locate a just-reported case by its words, or compare them with where it already is.

    Without a unit the words decide, when they are clear enough (`case_locate_by_text`
    records the event); else the case stays for a person. With a unit from its point (or
    chosen by the reporter) the point wins, and words naming another place are put on the
    record as a disagreement."""
    result = locate_text(case.county, case.description, case.address, title=case.title)
    location = CaseLocation(case=case, words=list(result.words), located_at=now,
                            text_unit=result.unit,
                            confidence=result.confidence if result.words else None,
                            reason=result.reason)
    if case.unit_id is None:
        if result.located:
            case_services.case_locate_by_text(case=case, unit=result.unit, words=result.words,
                                              confidence=result.confidence, now=now)
            location.source = LocationSource.TEXT
        else:
            location.source = LocationSource.NONE
    else:
        by_point = case.longitude is not None
        location.source = LocationSource.POINT if by_point else LocationSource.MANUAL
        if result.located:
            if _on_one_chain(case.unit, result.unit):
                if by_point:
                    location.source = LocationSource.POINT_TEXT
            else:
                location.conflict = True
                location.reason = conflict_reason(result, case.unit)
                case_services.case_note_location_conflict(
                    case=case, text_unit=result.unit, words=result.words, now=now)
    location.save()
    return location


def conflict_reason(result: LocateResult, unit: OrgUnit) -> Message:
    return message(gettext_noop("The address text points to %(text)s; the location lies in "
                                "%(point)s."),
                   text=" › ".join(result.path[1:]) or result.unit.name, point=unit.name)


def _on_one_chain(a: OrgUnit, b: OrgUnit) -> bool:
    return a.is_within(b) or b.is_within(a)
