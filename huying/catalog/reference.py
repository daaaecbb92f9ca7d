"""The reference lists bundled with huying (`data/catalog.json`: the Rongcheng-style matter
catalogue of 92 matter types, 30 departments, 5 grid categories, 16 domains) and the three
lists derived from it.

Derivations:
- town duty list (镇街职责清单): the matters marked `town_duty`;
- call-matter list (呼应事项清单): every other matter — what a town cannot do itself it may call;
- grid admission list (网格准入清单): the matters of the five grid categories that a grid
  worker can take on without professional qualifications, see `grid_admissible`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from huying.catalog import selectors, services
from huying.catalog.data_types import (
    ListItemData,
    MatterTypeData,
    VersionContent,
    content_fingerprint,
    version_fingerprint,
)
from huying.catalog.models import (
    Colour,
    Domain,
    GridCategory,
    LimitUnit,
    ListKind,
    ListVersion,
    VersionStatus,
)
from huying.common.errors import ValidationFailed
from huying.common.messages import as_message, message
from huying.org.models import Department, DepartmentKind, Level, OrgUnit, User

REFERENCE_PATH = Path(__file__).parent / "data" / "catalog.json"

# Domains whose matters need professionally qualified staff (safety-production inspectors,
# fishery-law enforcement at sea, health inspectors and doctors): a grid worker may report
# them, but may not be tasked with handling them.
PROFESSIONAL_DOMAINS = frozenset({"L03", "L05", "L13"})


@cache
def reference_data() -> dict[str, Any]:
    return json.loads(REFERENCE_PATH.read_text(encoding="utf-8"))


def grid_admissible(matter: dict[str, Any]) -> bool:
    """May a grid worker be tasked with this reference matter (网格准入)?

    Yes when it belongs to one of the five grid categories, is not in a professional domain
    and is not red: red matters (群体性事件, 燃气泄漏, 个人极端行为…) go straight to the
    responsible forces, a grid worker only reports them.
    """
    return (bool(matter.get("grid_category"))
            and matter["domain"] not in PROFESSIONAL_DOMAINS
            and matter["color"] != Colour.RED)


def _matter_data(raw: dict[str, Any]) -> MatterTypeData:
    # An urgent matter must be signed for around the clock; others within office hours.
    sign_unit = LimitUnit.NATURAL_HOURS if raw["urgent"] else LimitUnit.WORKING_HOURS
    return MatterTypeData(
        code=raw["code"], name=raw["name"], domain=raw["domain"],
        grid_category=raw.get("grid_category") or None,
        lead_department=raw["main_department"],
        co_departments=tuple(sorted(raw.get("co_departments", []))),
        colour=raw["color"], urgent=bool(raw["urgent"]),
        sign_amount=Decimal(str(raw["sign_hours"])), sign_unit=sign_unit,
        respond_amount=Decimal(str(raw["respond_days"])), respond_unit=LimitUnit.WORKING_DAYS,
        complete_amount=Decimal(str(raw["complete_days"])),
        complete_unit=LimitUnit.WORKING_DAYS,
        standard=raw.get("standard", ""), keywords=tuple(raw.get("keywords", [])),
        examples=tuple(raw.get("examples", [])))


def _items(matters: list[dict[str, Any]],
           keep: Callable[[dict[str, Any]], bool]) -> list[ListItemData]:
    chosen = [m for m in matters if keep(m)]
    return [ListItemData(matter_code=m["code"], title=m["name"], position=n)
            for n, m in enumerate(chosen, start=1)]


def reference_contents() -> dict[str, VersionContent]:
    """The content of each of the four reference lists."""
    matters = reference_data()["matter_types"]
    return {
        ListKind.CATALOGUE: VersionContent(matter_types=[_matter_data(m) for m in matters]),
        ListKind.TOWN_DUTY: VersionContent(items=_items(matters, lambda m: m["town_duty"])),
        ListKind.CALL: VersionContent(items=_items(matters, lambda m: not m["town_duty"])),
        ListKind.GRID_ADMISSION: VersionContent(items=_items(matters, grid_admissible)),
    }


REFERENCE_TITLES = {
    ListKind.CATALOGUE: gettext_lazy("Matter catalogue (reference)"),
    ListKind.TOWN_DUTY: gettext_lazy("Town duty list (reference)"),
    ListKind.CALL: gettext_lazy("Call-matter list (reference)"),
    ListKind.GRID_ADMISSION: gettext_lazy("Grid admission list (reference)"),
}


def _ensure_reference_rows(county: OrgUnit) -> int:
    """Domains, grid categories and any missing department; returns departments created."""
    data = reference_data()
    for row in data["domains"]:
        Domain.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    for row in data["categories"]:
        GridCategory.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    existing = set(Department.objects.filter(code__in=[d["code"] for d in data["departments"]])
                   .values_list("code", flat=True))
    missing = [Department(code=d["code"], name=d["name"], short_name=d.get("short", ""),
                          kind=DepartmentKind(d["kind"]), unit=county)
               for d in data["departments"] if d["code"] not in existing]
    Department.objects.bulk_create(missing)
    return len(missing)


@transaction.atomic
def catalogue_load_reference(*, actor: User | None, county: OrgUnit, now: datetime,
                             effective_from: date | None = None,
                             publish: bool = True,
                             progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Load the bundled reference lists into `county`.

    Creates domains, grid categories and the 30 departments when missing (existing
    departments are left as they are), then one version of each of the four lists, the
    catalogue first. Idempotent: when the newest version of a list already has exactly the
    reference content (whatever its title or date), it is reused — and published if asked
    and still a draft — instead of adding a duplicate.

    Returns {"departments_created": int, "versions": {kind: ListVersion},
    "created": {kind: bool}}.
    """
    services.ensure_may_administer_lists(actor)
    if county.level != Level.COUNTY:
        raise ValidationFailed(_("Lists belong to a county."))
    say = progress or (lambda message: None)
    effective_from = effective_from or timezone.localdate(now)
    departments_created = _ensure_reference_rows(county)
    say(_("Departments created: %(n)d") % {"n": departments_created})
    versions: dict[str, ListVersion] = {}
    created: dict[str, bool] = {}
    for kind, content in reference_contents().items():
        version, is_new = _reference_version(actor, county, kind, content, effective_from, now)
        if publish and version.status == VersionStatus.DRAFT:
            version = services.list_version_publish(actor=actor, version=version, now=now)
        versions[kind], created[kind] = version, is_new
        say(_("%(version)s: %(state)s") % {
            "version": version, "state": _("loaded") if is_new else _("already present")})
    return {"departments_created": departments_created, "versions": versions,
            "created": created}


def _reference_version(actor: User | None, county: OrgUnit, kind: str,
                       content: VersionContent, effective_from: date,
                       now: datetime) -> tuple[ListVersion, bool]:
    latest = selectors.list_version_latest(county=county, kind=kind)
    if latest is not None and version_fingerprint(latest) == content_fingerprint(kind, content):
        return latest, False
    version = services.list_version_create(
        actor=actor, county=county, kind=kind, title=as_message(REFERENCE_TITLES[kind]),
        effective_from=effective_from, now=now,
        note=message(gettext_noop("Loaded from the reference lists bundled with huying.")))
    services.list_version_fill(actor=actor, version=version, content=content, now=now)
    return version, True
