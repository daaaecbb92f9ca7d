"""Excel (.xlsx) export and import of a list version.

The first sheet holds one row per matter type (catalogue) or item (other lists) under a
header row of the column names users see (Chinese; the English names are accepted too).
Import is all-or-nothing: every row is checked, every problem is reported with its row
number and column, and nothing is written unless the whole file is clean. Importing into an
existing draft replaces its content: the file is the whole list.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from huying.catalog import selectors, services
from huying.catalog.data_types import ListItemData, MatterTypeData, VersionContent
from huying.catalog.models import Colour, LimitUnit, ListKind, ListVersion, MatterType
from huying.catalog.validation import (
    FIELD_LABELS,
    Lookups,
    Problem,
    item_problems,
    matter_type_problems,
)
from huying.common.errors import TransitionNotAllowed, ValidationFailed
from huying.org.models import OrgUnit, User

CATALOGUE_FIELDS = [
    "code", "name", "domain", "grid_category", "lead_department", "co_departments", "colour",
    "urgent", "sign_amount", "sign_unit", "respond_amount", "respond_unit", "complete_amount",
    "complete_unit", "standard", "keywords", "examples",
]
CATALOGUE_REQUIRED = {"code", "name", "domain", "lead_department", "colour", "sign_amount",
                      "sign_unit", "respond_amount", "respond_unit", "complete_amount",
                      "complete_unit"}
ITEM_FIELDS = ["position", "matter_code", "title", "note"]
ITEM_REQUIRED = {"matter_code"}
LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")


def fields_for(kind: str) -> list[str]:
    return CATALOGUE_FIELDS if kind == ListKind.CATALOGUE else ITEM_FIELDS


@dataclass(frozen=True)
class RowError:
    """One problem of an imported file; `row` is the spreadsheet row (None: the whole file)."""

    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.field is None:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)d “%(field)s”: %(message)s") % {
            "row": self.row, "field": FIELD_LABELS.get(self.field, self.field),
            "message": self.message}


@dataclass
class ImportReport:
    version: ListVersion | None = None
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------- export

def _plain_amount(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _matter_row(matter: MatterType) -> list[Any]:
    return [
        matter.code, matter.name, matter.domain.code,
        matter.grid_category.code if matter.grid_category_id else "",
        matter.lead_department.code,
        "、".join(sorted(d.code for d in matter.co_departments.all())),
        str(Colour(matter.colour).label), _("Yes") if matter.urgent else _("No"),
        _plain_amount(matter.sign_amount), str(LimitUnit(matter.sign_unit).label),
        _plain_amount(matter.respond_amount), str(LimitUnit(matter.respond_unit).label),
        _plain_amount(matter.complete_amount), str(LimitUnit(matter.complete_unit).label),
        matter.standard, "\n".join(matter.keywords), "\n".join(matter.examples),
    ]


def list_version_export(version: ListVersion, target: BinaryIO | Path | str | None = None
                        ) -> bytes:
    """The version as an .xlsx file (returned, and written to `target` when given)."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(version.get_kind_display())[:31]
    names = fields_for(version.kind)
    sheet.append([str(FIELD_LABELS[name]) for name in names])
    if version.kind == ListKind.CATALOGUE:
        for matter in selectors.matter_types_of(version):
            sheet.append(_matter_row(matter))
    else:
        for item in selectors.items_of(version):
            sheet.append([item.position, item.matter_code, item.title, item.note])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(names, start=1):
        width = 40 if name in {"standard", "examples", "title", "note"} else 14
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
        if width == 40:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    info = book.create_sheet(_("Version"))
    for label, value in [(_("List"), version.get_kind_display()), (_("Title"), version.title),
                         (_("Version"), version.number),
                         (_("Effective from"), version.effective_from.isoformat()),
                         (_("Status"), version.get_status_display())]:
        info.append([str(label), str(value)])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if isinstance(target, str | Path):
        Path(target).write_bytes(data)
    elif target is not None:
        target.write(data)
    return data


# ---------------------------------------------------------------- import

def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every spelling of a choice a user may type: value, label, English label, and the
    label without 色 (红 for 红色)."""
    table: dict[str, str] = {}
    for choice in choices:
        labels = [choice.value, str(choice.label)]
        with translation.override("en"):
            labels.append(str(choice.label))
        for label in labels:
            table[label.lower()] = choice.value
            if label.endswith("色"):
                table[label[:-1]] = choice.value
    return table


def _header_lookup(kind: str) -> dict[str, str]:
    table = {}
    for name in fields_for(kind):
        table[str(FIELD_LABELS[name]).strip().lower()] = name
        with translation.override("en"):
            table[str(FIELD_LABELS[name]).strip().lower()] = name
    return table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _amount(value: Any, name: str, problems: list[Problem]) -> Decimal | None:
    if value is None or _text(value) == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        problems.append(Problem(name, _("Not a number: %(value)s.") % {"value": _text(value)}))
        return None
    if not amount.is_finite():
        problems.append(Problem(name, _("Not a number: %(value)s.") % {"value": _text(value)}))
        return None
    return amount


TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "紧急"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "", "×", "不紧急"}


class _Parser:
    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.colours = _choice_lookup(Colour)
        self.units = _choice_lookup(LimitUnit)
        self.domain_names = {d.name: code for code, d in lookups.domains.items()}
        self.category_names = {c.name: code for code, c in lookups.categories.items()}
        self.department_names = {}
        for code, department in lookups.departments.items():
            self.department_names[department.name] = code
            if department.short_name:
                self.department_names[department.short_name] = code

    def _department(self, text: str) -> str:
        return self.department_names.get(text, text)

    def matter(self, cells: dict[str, Any]) -> tuple[MatterTypeData, list[Problem]]:
        problems: list[Problem] = []
        text = {name: _text(cells.get(name)) for name in CATALOGUE_FIELDS}
        urgent_text = text["urgent"].lower()
        if urgent_text not in TRUE_WORDS | FALSE_WORDS:
            problems.append(Problem("urgent", _("Write 是 or 否, not %(value)s.")
                                    % {"value": text["urgent"]}))
        amounts = {m: _amount(cells.get(f"{m}_amount"), f"{m}_amount", problems)
                   for m in ("sign", "respond", "complete")}
        units = {m: self.units.get(text[f"{m}_unit"].lower(), text[f"{m}_unit"])
                 for m in ("sign", "respond", "complete")}
        data = MatterTypeData(
            code=text["code"], name=text["name"],
            domain=self.domain_names.get(text["domain"], text["domain"]),
            grid_category=self.category_names.get(text["grid_category"],
                                                  text["grid_category"]) or None,
            lead_department=self._department(text["lead_department"]),
            co_departments=tuple(self._department(c) for c in
                                 LIST_SEPARATORS.split(text["co_departments"]) if c),
            colour=self.colours.get(text["colour"].lower(), text["colour"]),
            urgent=urgent_text in TRUE_WORDS,
            sign_amount=amounts["sign"], sign_unit=units["sign"],  # type: ignore[arg-type]
            respond_amount=amounts["respond"],  # type: ignore[arg-type]
            respond_unit=units["respond"],
            complete_amount=amounts["complete"],  # type: ignore[arg-type]
            complete_unit=units["complete"],
            standard=text["standard"],
            keywords=tuple(k.strip() for k in text["keywords"].splitlines() if k.strip()),
            examples=tuple(e.strip() for e in text["examples"].splitlines() if e.strip()))
        parsed_badly = {p.field for p in problems}
        problems.extend(p for p in matter_type_problems(data, self.lookups)
                        if p.field not in parsed_badly)
        return data, problems


def _read_rows(file: BinaryIO | Path | str, kind: str
               ) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """(spreadsheet row number, {field: cell value}) for each non-empty row, or file errors."""
    try:
        source = file if not isinstance(file, str | Path) else str(file)
        book = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return [], [RowError(None, None, _("The file is not an Excel workbook (.xlsx)."))]
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    lookup = _header_lookup(kind)
    columns: dict[int, str] = {}
    errors: list[RowError] = []
    for index, title in enumerate(header):
        name = lookup.get(_text(title).lower())
        if name is not None:
            columns[index] = name
        elif _text(title):
            errors.append(RowError(1, None, _("Unknown column “%(title)s”.")
                                   % {"title": _text(title)}))
    required = CATALOGUE_REQUIRED if kind == ListKind.CATALOGUE else ITEM_REQUIRED
    missing = [str(FIELD_LABELS[n]) for n in fields_for(kind)
               if n in required and n not in columns.values()]
    if missing:
        errors.append(RowError(1, None, _("Missing columns: %(columns)s. Expected: %(all)s.")
                               % {"columns": "、".join(missing),
                                  "all": "、".join(str(FIELD_LABELS[n])
                                                  for n in fields_for(kind))}))
    if errors:
        book.close()
        return [], errors
    found = []
    for number, values in enumerate(rows, start=2):
        cells = {columns[i]: v for i, v in enumerate(values) if i in columns}
        if any(_text(v) for v in cells.values()):
            found.append((number, cells))
    book.close()
    return found, []


def _check_duplicates(keyed: Iterable[tuple[int, str, str]], errors: list[RowError]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for row, name, value in keyed:
        if not value:
            continue
        if (name, value) in seen:
            errors.append(RowError(row, name, _("Duplicate %(value)s (already on row %(first)d).")
                                   % {"value": value, "first": seen[(name, value)]}))
        else:
            seen[(name, value)] = row


def _parse_catalogue(rows: list[tuple[int, dict[str, Any]]]
                     ) -> tuple[VersionContent, list[RowError]]:
    parser = _Parser(Lookups())
    content, errors = VersionContent(), []
    for row, cells in rows:
        data, problems = parser.matter(cells)
        errors.extend(RowError(row, p.field, p.message) for p in problems)
        content.matter_types.append(data)
    _check_duplicates(((row, "code", m.code) for (row, _c), m in
                       zip(rows, content.matter_types, strict=True)), errors)
    return content, errors


def _parse_items(rows: list[tuple[int, dict[str, Any]]], catalogue: ListVersion | None
                 ) -> tuple[VersionContent, list[RowError]]:
    names = (dict(catalogue.matter_types.values_list("code", "name"))
             if catalogue is not None else None)
    content, errors = VersionContent(), []
    for index, (row, cells) in enumerate(rows, start=1):
        position = index
        text = _text(cells.get("position"))
        if text:
            try:
                position = int(Decimal(text))
                if position <= 0 or Decimal(text) != position:
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(RowError(row, "position", _(
                    "Must be a whole number greater than zero: %(value)s.") % {"value": text}))
        data = ListItemData(matter_code=_text(cells.get("matter_code")),
                            title=_text(cells.get("title")), note=_text(cells.get("note")),
                            position=position)
        errors.extend(RowError(row, p.field, p.message)
                      for p in item_problems(data, names, str(catalogue or "")))
        content.items.append(data)
    pairs = list(zip(rows, content.items, strict=True))
    _check_duplicates(((row, "matter_code", i.matter_code) for (row, _c), i in pairs), errors)
    _check_duplicates(((row, "position", str(i.position)) for (row, _c), i in pairs), errors)
    return content, errors


def list_version_import(*, actor: User | None, county: OrgUnit, kind: str,
                        file: BinaryIO | Path | str, version: ListVersion | None = None,
                        title: str | None = None, effective_from: date | None = None,
                        now: datetime) -> ImportReport:
    """Import a file into the draft `version`, or into a new draft of `kind` (with `title`
    and `effective_from`, defaulting to an "imported" title and today). Returns the report;
    when it has errors, nothing was written."""
    services.ensure_may_administer_lists(actor)
    if version is not None:
        if version.is_published:
            raise TransitionNotAllowed(
                _("%(version)s is published and can no longer be changed.")
                % {"version": version})
        if version.kind != kind or version.county_id != county.pk:
            raise ValidationFailed(_("The version belongs to another list."))
    if kind not in ListKind.values:
        raise ValidationFailed(_("Unknown list kind %(kind)s.") % {"kind": kind})
    rows, errors = _read_rows(file, kind)
    report = ImportReport(rows=len(rows), errors=errors)
    if errors:
        return report
    if not rows:
        report.errors.append(RowError(None, None, _("The file has no data rows.")))
        return report
    effective = version.effective_from if version else (
        effective_from or timezone.localdate(now))
    if kind == ListKind.CATALOGUE:
        content, report.errors = _parse_catalogue(rows)
    else:
        catalogue = selectors.list_in_force(county=county, kind=ListKind.CATALOGUE,
                                            on=effective)
        content, report.errors = _parse_items(rows, catalogue)
    if report.errors:
        report.errors.sort(key=lambda e: (e.row or 0))
        return report
    with transaction.atomic():
        if version is None:
            version = services.list_version_create(
                actor=actor, county=county, kind=kind, now=now, effective_from=effective,
                title=title or _("%(list)s (imported)") % {"list": ListKind(kind).label})
        report.version = services.list_version_fill(actor=actor, version=version,
                                                    content=content, now=now)
    return report
