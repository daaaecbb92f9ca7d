"""Public reads of the published lists (向社会公布): no sign-in, no personal data.

`county` (code) defaults to the installation's county; `on` (YYYY-MM-DD) to today.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from huying.catalog import selectors
from huying.catalog.models import LimitUnit, ListKind, ListVersion, MatterType
from huying.common.errors import NotFound
from huying.org.models import Department, OrgUnit

router = Router(tags=["清单"])


class ListItemOut(Schema):
    number: int
    matter_code: str
    title: str
    note: str = ""


class ListVersionOut(Schema):
    kind: str
    kind_label: str
    version: int
    title: str
    effective_from: date
    published_at: str | None
    note: str
    items: list[ListItemOut]


class CodeNameOut(Schema):
    code: str
    name: str


class DepartmentOut(Schema):
    code: str
    name: str
    short_name: str


class LimitOut(Schema):
    amount: float
    unit: str
    unit_label: str


class MatterTypeOut(Schema):
    code: str
    name: str
    domain: CodeNameOut
    grid_category: CodeNameOut | None
    lead_department: DepartmentOut
    co_departments: list[DepartmentOut]
    colour: str
    colour_label: str
    urgent: bool
    sign_limit: LimitOut
    respond_limit: LimitOut
    complete_limit: LimitOut
    standard: str
    keywords: list[str]


def _county(code: str | None) -> OrgUnit:
    county = selectors.county_by_code(code) if code else selectors.default_county()
    if county is None:
        raise NotFound(_("No such county."))
    return county


def _day(on: date | None) -> date:
    return on or timezone.localdate()


def _version_out(version: ListVersion) -> ListVersionOut:
    if version.kind == ListKind.CATALOGUE:
        items = [ListItemOut(number=n, matter_code=m.code, title=m.name)
                 for n, m in enumerate(version.matter_types.order_by("code"), start=1)]
    else:
        items = [ListItemOut(number=i.position, matter_code=i.matter_code, title=i.title,
                             note=i.note) for i in selectors.items_of(version)]
    return ListVersionOut(
        kind=version.kind, kind_label=str(version.get_kind_display()), version=version.number,
        title=str(version.title), effective_from=version.effective_from,
        published_at=version.published_at.isoformat() if version.published_at else None,
        note=str(version.note), items=items)


def _limit(matter: MatterType, metric: str) -> LimitOut:
    amount, unit = matter.limit(metric)
    return LimitOut(amount=float(amount), unit=unit, unit_label=str(LimitUnit(unit).label))


def _department(department: Department) -> DepartmentOut:
    return DepartmentOut(code=department.code, name=department.name,
                         short_name=department.short_name)


def _matter_out(matter: MatterType) -> MatterTypeOut:
    return MatterTypeOut(
        code=matter.code, name=matter.name,
        domain=CodeNameOut(code=matter.domain.code, name=matter.domain.name),
        grid_category=(CodeNameOut(code=matter.grid_category.code,
                                   name=matter.grid_category.name)
                       if matter.grid_category_id else None),
        lead_department=_department(matter.lead_department),
        co_departments=[_department(d) for d in matter.co_departments.all()],
        colour=matter.colour, colour_label=str(matter.get_colour_display()),
        urgent=matter.urgent, sign_limit=_limit(matter, "sign"),
        respond_limit=_limit(matter, "respond"), complete_limit=_limit(matter, "complete"),
        standard=matter.standard, keywords=list(matter.keywords))


@router.get("/lists", response=list[ListVersionOut], auth=None,
            summary="Lists in force (catalogue, town duty, call-matter, grid admission)")
def lists_in_force(request: HttpRequest, county: str | None = None,
                   on: date | None = None) -> list[ListVersionOut]:
    versions = selectors.lists_in_force(county=_county(county), on=_day(on))
    return [_version_out(v) for v in versions.values()]


@router.get("/lists/{kind}", response=ListVersionOut, auth=None,
            summary="One list in force")
def list_in_force(request: HttpRequest, kind: str, county: str | None = None,
                  on: date | None = None) -> ListVersionOut:
    if kind not in ListKind.values:
        raise NotFound(_("Unknown list kind %(kind)s.") % {"kind": kind})
    day = _day(on)
    version = selectors.list_in_force(county=_county(county), kind=kind, on=day)
    if version is None:
        raise NotFound(_("No %(list)s is in force on %(date)s.")
                       % {"list": ListKind(kind).label, "date": day})
    return _version_out(version)


@router.get("/matter-types", response=list[MatterTypeOut], auth=None,
            summary="Matter types of the catalogue in force")
def matter_types(request: HttpRequest, county: str | None = None,
                 on: date | None = None) -> list[MatterTypeOut]:
    matters = selectors.matter_types_in_force(county=_county(county), on=_day(on))
    return [_matter_out(m) for m in matters]
