"""The attributes of a service (GeoReport v2 service definition), derived from its matter
type. Only what the platform stores and uses is asked for:

- `address_detail` (详细地址): the house number, building or landmark the department goes
  to; kept in `Case.address` (after the caller's `address_string`, if any). Required.
- `urgency` (紧急程度): marks the case urgent (`Case.urgent`), which raises its supervision
  colour and is shown on every board. Offered only for matter types not urgent already,
  where the answer changes nothing.

Attributes a client sends that a service does not define are ignored (FixMyStreet and
others send their own); the defined ones are validated and a bad value is a 400."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from huying.catalog.models import MatterType
from huying.common.errors import ValidationFailed

ADDRESS_DETAIL = "address_detail"
URGENCY = "urgency"
NORMAL = "normal"
URGENT = "urgent"
ADDRESS_MAX = 200


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool
    description: str
    datatype_description: str
    order: int
    values: tuple[tuple[str, str], ...] = field(default=())  # (key, name)

    def as_spec(self) -> dict:
        return {"variable": True, "code": self.code, "datatype": self.datatype,
                "required": self.required, "datatype_description": self.datatype_description,
                "order": self.order, "description": self.description,
                "values": [{"key": key, "name": name} for key, name in self.values]}


@dataclass(frozen=True)
class AttributeValues:
    address_detail: str
    urgent: bool


def attributes_of(matter: MatterType) -> list[Attribute]:
    attributes = [Attribute(
        code=ADDRESS_DETAIL, datatype="string", required=True, order=1,
        description=_("Detailed address"),
        datatype_description=_("House number, building or landmark, at most %(max)d "
                               "characters.") % {"max": ADDRESS_MAX})]
    if not matter.urgent:
        attributes.append(Attribute(
            code=URGENCY, datatype="singlevaluelist", required=False, order=2,
            description=_("Urgency"),
            datatype_description=_("Urgent when it endangers people or property now."),
            values=((NORMAL, _("Normal")), (URGENT, _("Urgent")))))
    return attributes


def attributes_parse(matter: MatterType, posted: Mapping[str, str]) -> AttributeValues:
    """The posted `attribute[code]` values (keys without the brackets) checked against the
    service's definition."""
    defined = {a.code: a for a in attributes_of(matter)}
    for code, attribute in defined.items():
        value = (posted.get(code) or "").strip()
        if attribute.required and not value:
            raise ValidationFailed(_("attribute[%(code)s] (%(name)s) is required.")
                                   % {"code": code, "name": attribute.description},
                                   field=f"attribute[{code}]")
        if attribute.values and value and value not in {k for k, _n in attribute.values}:
            raise ValidationFailed(
                _("attribute[%(code)s] must be one of %(keys)s.")
                % {"code": code, "keys": "、".join(k for k, _n in attribute.values)},
                field=f"attribute[{code}]")
    detail = (posted.get(ADDRESS_DETAIL) or "").strip()
    if len(detail) > ADDRESS_MAX:
        raise ValidationFailed(_("attribute[%(code)s] is longer than %(max)d characters.")
                               % {"code": ADDRESS_DETAIL, "max": ADDRESS_MAX},
                               field=f"attribute[{ADDRESS_DETAIL}]")
    urgency = (posted.get(URGENCY) or "").strip() if URGENCY in defined else ""
    return AttributeValues(address_detail=detail, urgent=urgency == URGENT)
