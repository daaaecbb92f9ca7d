"""Plain values that describe list content independently of the database.

The reference loader, the Excel importer and the admin all build these and hand them to the
services, and `version_fingerprint` compares a stored version with such values to decide
whether loading the reference again would change anything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from huying.catalog.models import ListKind, ListVersion, MatterType

LIMIT_METRICS = ("sign", "respond", "complete")


@dataclass(frozen=True)
class MatterTypeData:
    """One catalogue line; departments, domain and category are given by code."""

    code: str
    name: str
    domain: str
    lead_department: str
    colour: str
    sign_amount: Decimal
    sign_unit: str
    respond_amount: Decimal
    respond_unit: str
    complete_amount: Decimal
    complete_unit: str
    grid_category: str | None = None
    co_departments: tuple[str, ...] = ()
    urgent: bool = False
    standard: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    @classmethod
    def from_model(cls, matter: MatterType) -> MatterTypeData:
        return cls(
            code=matter.code, name=matter.name, domain=matter.domain.code,
            grid_category=matter.grid_category.code if matter.grid_category_id else None,
            lead_department=matter.lead_department.code,
            co_departments=tuple(sorted(d.code for d in matter.co_departments.all())),
            colour=matter.colour, urgent=matter.urgent,
            sign_amount=matter.sign_amount, sign_unit=matter.sign_unit,
            respond_amount=matter.respond_amount, respond_unit=matter.respond_unit,
            complete_amount=matter.complete_amount, complete_unit=matter.complete_unit,
            standard=matter.standard, keywords=tuple(matter.keywords),
            examples=tuple(matter.examples))


@dataclass(frozen=True)
class ListItemData:
    """One line of a town duty, call-matter or grid admission list."""

    matter_code: str
    title: str = ""
    note: str = ""
    position: int | None = None


@dataclass
class VersionContent:
    """Everything a version holds: matter types for the catalogue, items for the others."""

    matter_types: list[MatterTypeData] = field(default_factory=list)
    items: list[ListItemData] = field(default_factory=list)


def _canonical_matter(data: MatterTypeData) -> dict:
    row = asdict(data)
    for metric in LIMIT_METRICS:
        # Decimal("4") and Decimal("4.00") are the same limit.
        row[f"{metric}_amount"] = str(Decimal(row[f"{metric}_amount"]).normalize())
    row["co_departments"] = sorted(row["co_departments"])
    row["keywords"] = list(row["keywords"])
    row["examples"] = list(row["examples"])
    return row


def content_fingerprint(kind: str, content: VersionContent) -> str:
    """A hash of a version's content (not its title or dates)."""
    if kind == ListKind.CATALOGUE:
        rows: Iterable = sorted((_canonical_matter(m) for m in content.matter_types),
                                key=lambda r: r["code"])
    else:
        rows = [[i.position, i.matter_code, i.title, i.note] for i in content.items]
    text = json.dumps(list(rows), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_content(version: ListVersion) -> VersionContent:
    """The stored content of a version as plain values."""
    if version.kind == ListKind.CATALOGUE:
        matters = (version.matter_types.select_related("domain", "grid_category",
                                                       "lead_department")
                   .prefetch_related("co_departments").order_by("code"))
        return VersionContent(matter_types=[MatterTypeData.from_model(m) for m in matters])
    return VersionContent(items=[
        ListItemData(matter_code=i.matter_code, title=i.title, note=i.note, position=i.position)
        for i in version.items.order_by("position", "matter_code")])


def version_fingerprint(version: ListVersion) -> str:
    return content_fingerprint(version.kind, version_content(version))
