"""Reads of the lists: which version is in force on a day, and what it contains.

The version in force on a day is the published one with the latest `effective_from` not
after that day; two published versions with the same date are ordered by number (the later
publication wins).
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from huying.catalog.models import (
    ListItem,
    ListKind,
    ListVersion,
    MatterRelation,
    MatterType,
    VersionStatus,
)
from huying.common import memo
from huying.org.models import Level, OrgUnit

LISTS = "lists"  # the memo group of the versions in force, their codes, the relations


def list_in_force(*, county: OrgUnit, kind: str, on: date) -> ListVersion | None:
    """The published version of `kind` in force in `county` on day `on`; remembered
    between requests (`common.memo`, forgotten when a version, item or matter type is
    saved). Treat it as read-only: it is shared."""
    return memo.remembered(LISTS, ("version", county.pk, kind, on), lambda: (
        ListVersion.objects
        .filter(county=county, kind=kind, status=VersionStatus.PUBLISHED,
                effective_from__lte=on)
        .order_by("-effective_from", "-number").first()))


def lists_in_force(*, county: OrgUnit, on: date) -> dict[str, ListVersion]:
    """Each kind's version in force (kinds with none are left out), in `ListKind` order."""
    found = {kind: list_in_force(county=county, kind=kind, on=on) for kind in ListKind.values}
    return {kind: version for kind, version in found.items() if version is not None}


def list_versions(*, county: OrgUnit, kind: str | None = None) -> QuerySet[ListVersion]:
    versions = ListVersion.objects.filter(county=county)
    if kind:
        versions = versions.filter(kind=kind)
    return versions.order_by("kind", "-number")


def list_version_get(*, county: OrgUnit, kind: str, number: int) -> ListVersion | None:
    return ListVersion.objects.filter(county=county, kind=kind, number=number).first()


def list_version_latest(*, county: OrgUnit, kind: str) -> ListVersion | None:
    """The newest version of a kind, draft or published."""
    return ListVersion.objects.filter(county=county, kind=kind).order_by("-number").first()


def matter_types_of(version: ListVersion) -> QuerySet[MatterType]:
    return (version.matter_types.select_related("domain", "grid_category", "lead_department")
            .prefetch_related("co_departments").order_by("code"))


def matter_types_in_force(*, county: OrgUnit, on: date) -> QuerySet[MatterType]:
    catalogue = list_in_force(county=county, kind=ListKind.CATALOGUE, on=on)
    if catalogue is None:
        return MatterType.objects.none()
    return matter_types_of(catalogue)


def matter_type_in_force(*, county: OrgUnit, code: str, on: date) -> MatterType | None:
    """The matter type `code` of the catalogue in force on `on` (with its exact limits),
    its domain, category and departments loaded; remembered like `list_in_force`, since
    every report, call, triage and dispatch asks. Shared between callers: read only."""
    catalogue = list_in_force(county=county, kind=ListKind.CATALOGUE, on=on)
    if catalogue is None:
        return None
    return memo.remembered(LISTS, ("matter", catalogue.pk, code),
                           lambda: matter_types_of(catalogue).filter(code=code).first())


def items_of(version: ListVersion) -> QuerySet[ListItem]:
    return version.items.order_by("position", "matter_code")


def matter_codes_on_list(*, county: OrgUnit, kind: str, on: date) -> frozenset[str]:
    """The matter codes a list in force names; for the catalogue, its matter type codes
    (remembered like `list_in_force`)."""
    version = list_in_force(county=county, kind=kind, on=on)
    if version is None:
        return frozenset()

    def load() -> frozenset[str]:
        if kind == ListKind.CATALOGUE:
            return frozenset(version.matter_types.values_list("code", flat=True))
        return frozenset(version.items.values_list("matter_code", flat=True))

    return memo.remembered(LISTS, ("codes", version.pk), load)


def list_item_in_force(*, county: OrgUnit, kind: str, code: str,
                       on: date) -> tuple[ListVersion | None, ListItem | None]:
    """(version in force, its item naming `code` or None)."""
    version = list_in_force(county=county, kind=kind, on=on)
    if version is None:
        return None, None
    return version, memo.remembered(LISTS, ("item", version.pk, code),
                                    lambda: version.items.filter(matter_code=code).first())


def matter_types_for_grid_admission(*, county: OrgUnit, on: date) -> QuerySet[MatterType]:
    """The matter types of the catalogue in force that a grid worker may be tasked with."""
    codes = matter_codes_on_list(county=county, kind=ListKind.GRID_ADMISSION, on=on)
    return matter_types_in_force(county=county, on=on).filter(code__in=codes)


def county_by_code(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(level=Level.COUNTY, code=code).first()


def default_county() -> OrgUnit | None:
    """The county a public read or a command means when none is named (one county per
    installation is the usual case; with several, the first by code)."""
    return OrgUnit.objects.filter(level=Level.COUNTY).order_by("code").first()


def matter_relations() -> frozenset[frozenset[str]]:
    """Every related pair of matter codes (相关事项), each as a set of two: one query."""
    return memo.remembered(LISTS, "relations", lambda: frozenset(
        frozenset(pair) for pair in MatterRelation.objects.values_list("code_a", "code_b")))
