"""Checks of list content, shared by the services (which refuse) and the Excel importer
(which reports every problem with its row number)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.catalog.data_types import LIMIT_METRICS, ListItemData, MatterTypeData
from huying.catalog.models import Colour, Domain, GridCategory, LimitUnit
from huying.org.models import Department

MAX_LIMIT = Decimal("9999.99")  # the columns hold 6 digits with 2 decimals

# The names users see for each field, in reports and as Excel column headers.
FIELD_LABELS = {
    "code": gettext_lazy("Matter code"),
    "name": gettext_lazy("Matter name"),
    "domain": gettext_lazy("Domain"),
    "grid_category": gettext_lazy("Grid category"),
    "lead_department": gettext_lazy("Lead department"),
    "co_departments": gettext_lazy("Co-departments"),
    "colour": gettext_lazy("Colour"),
    "urgent": gettext_lazy("Urgent"),
    "sign_amount": gettext_lazy("Sign limit"),
    "sign_unit": gettext_lazy("Sign limit unit"),
    "respond_amount": gettext_lazy("Response limit"),
    "respond_unit": gettext_lazy("Response limit unit"),
    "complete_amount": gettext_lazy("Completion limit"),
    "complete_unit": gettext_lazy("Completion limit unit"),
    "standard": gettext_lazy("Handling standard"),
    "keywords": gettext_lazy("Keywords"),
    "examples": gettext_lazy("Examples"),
    "position": gettext_lazy("Item number"),
    "matter_code": gettext_lazy("Matter code"),
    "title": gettext_lazy("Matter name"),
    "note": gettext_lazy("Note"),
}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    @property
    def label(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))

    def __str__(self) -> str:
        return _("%(field)s: %(message)s") % {"field": self.label, "message": self.message}


class Lookups:
    """Codes known to the database, loaded once per check of many rows."""

    def __init__(self) -> None:
        self.departments = {d.code: d for d in Department.objects.all()}
        self.domains = {d.code: d for d in Domain.objects.all()}
        self.categories = {c.code: c for c in GridCategory.objects.all()}


def required(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def matter_type_problems(data: MatterTypeData, lookups: Lookups) -> list[Problem]:
    """Everything wrong with one catalogue line (empty when it may be saved)."""
    problems: list[Problem] = []
    for name, size in (("code", 16), ("name", 100)):
        value = getattr(data, name)
        if not required(value):
            problems.append(Problem(name, _("This field is required.")))
        elif len(value) > size:
            problems.append(Problem(name, _("Too long (at most %(max)d characters).")
                                    % {"max": size}))
    if not required(data.domain):
        problems.append(Problem("domain", _("This field is required.")))
    elif data.domain not in lookups.domains:
        problems.append(Problem("domain", _("Unknown domain %(value)s.")
                                % {"value": data.domain}))
    if data.grid_category and data.grid_category not in lookups.categories:
        problems.append(Problem("grid_category", _("Unknown grid category %(value)s.")
                                % {"value": data.grid_category}))
    if not required(data.lead_department):
        problems.append(Problem("lead_department", _("This field is required.")))
    elif data.lead_department not in lookups.departments:
        problems.append(Problem("lead_department", _("Unknown department code %(code)s.")
                                % {"code": data.lead_department}))
    for code in data.co_departments:
        if code not in lookups.departments:
            problems.append(Problem("co_departments", _("Unknown department code %(code)s.")
                                    % {"code": code}))
        elif code == data.lead_department:
            problems.append(Problem("co_departments", _(
                "The lead department %(code)s cannot also be a co-department.")
                % {"code": code}))
    if data.colour not in Colour.values:
        problems.append(Problem("colour", _("Unknown colour %(value)s.")
                                % {"value": data.colour}))
    for metric in LIMIT_METRICS:
        problems.extend(limit_problems(metric, getattr(data, f"{metric}_amount"),
                                       getattr(data, f"{metric}_unit")))
    return problems


def limit_problems(metric: str, amount: Decimal | None, unit: str | None) -> list[Problem]:
    problems: list[Problem] = []
    if amount is None:
        problems.append(Problem(f"{metric}_amount", _("This field is required.")))
    elif amount <= 0:
        problems.append(Problem(f"{metric}_amount", _("Must be greater than zero.")))
    elif amount > MAX_LIMIT or amount != amount.quantize(Decimal("0.01")):
        problems.append(Problem(f"{metric}_amount", _(
            "At most 9999.99 with two decimals: %(value)s.") % {"value": amount}))
    if unit not in LimitUnit.values:
        problems.append(Problem(f"{metric}_unit", _("Unknown time limit unit %(value)s.")
                                % {"value": unit or ""}))
    return problems


def item_problems(data: ListItemData, catalogue_codes: Iterable[str] | None,
                  catalogue_name: str = "") -> list[Problem]:
    """Everything wrong with one list line. `catalogue_codes=None` skips the catalogue check
    (used while no catalogue is in force yet; publication checks it again)."""
    problems: list[Problem] = []
    if not required(data.matter_code):
        problems.append(Problem("matter_code", _("This field is required.")))
    elif len(data.matter_code) > 16:
        problems.append(Problem("matter_code", _("Too long (at most %(max)d characters).")
                                % {"max": 16}))
    elif catalogue_codes is not None and data.matter_code not in catalogue_codes:
        problems.append(Problem("matter_code", _(
            "Matter code %(code)s is not in the matter catalogue %(catalogue)s.")
            % {"code": data.matter_code, "catalogue": catalogue_name}))
    if len(data.title) > 200:
        problems.append(Problem("title", _("Too long (at most %(max)d characters).")
                                % {"max": 200}))
    return problems
