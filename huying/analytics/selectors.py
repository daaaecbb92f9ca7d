"""Reads shared by the figures' API and pages: a request's filters as a checked `Slice`."""

from __future__ import annotations

from typing import Protocol

from django.utils.translation import gettext as _

from huying.analytics.figures import Slice
from huying.cases import access, reads
from huying.catalog.models import Colour, Domain, MatterType
from huying.common.errors import ValidationFailed
from huying.org.models import Level, OrgUnit


class SliceFilters(Protocol):
    start: object
    to: object
    unit: str | None
    channel: str | None
    matter_type: str | None
    domain: str | None
    colour: str | None


def town_of(unit: OrgUnit) -> OrgUnit | None:
    """The town a unit lies in (itself for a town), or None for the county."""
    if unit.level == Level.COUNTY:
        return None
    if unit.level == Level.TOWN:
        return unit
    ancestors = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    return OrgUnit.objects.filter(pk__in=ancestors, level=Level.TOWN).first()


def figures_slice(viewer: access.Viewer, county: OrgUnit, query: SliceFilters) -> Slice:
    """The slice a request asks for, refused (403) beyond what the viewer may see and (422)
    for unknown codes."""
    unit = None
    if query.unit:
        unit = reads.unit_by_code(query.unit, field="unit")
        if not unit.path.startswith(county.path):
            raise ValidationFailed(_("Unknown unit %(code)s.") % {"code": query.unit},
                                   field="unit")
    access.ensure_may_see_scope(viewer, town=town_of(unit) if unit else None, department=None)
    matter = None
    if query.matter_type:
        matter = MatterType.objects.filter(code=query.matter_type).order_by("-pk").first()
        if matter is None:
            raise ValidationFailed(_("Unknown matter type %(code)s.")
                                   % {"code": query.matter_type[:20]}, field="matter_type")
    domain = None
    if query.domain:
        domain = Domain.objects.filter(code=query.domain).first()
        if domain is None:
            raise ValidationFailed(_("Unknown domain %(code)s.") % {"code": query.domain[:20]},
                                   field="domain")
    colour = None
    if query.colour:
        colour = "" if query.colour == "none" else query.colour
        if colour and colour not in Colour.values:
            raise ValidationFailed(_("Unknown colour %(colour)s.")
                                   % {"colour": query.colour[:20]}, field="colour")
    if query.channel and not reads.channel_is_active(query.channel):
        raise ValidationFailed(_("Unknown or inactive channel %(channel)s.")
                               % {"channel": query.channel[:40]}, field="channel")
    return Slice(county=county, first=query.start, last=query.to,  # type: ignore[arg-type]
                 unit=unit, channel=query.channel or None, matter_type=matter, domain=domain,
                 colour=colour)
