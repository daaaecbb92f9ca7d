from __future__ import annotations

from decimal import Decimal

from huying.catalog.models import (
    Domain,
    GridCategory,
    LimitUnit,
    ListItem,
    ListKind,
    ListVersion,
    MatterType,
    VersionStatus,
)
from huying.catalog.reference import PROFESSIONAL_DOMAINS, catalogue_load_reference
from huying.org.models import Department, DepartmentKind


def test_reference_load_gives_92_matter_types_30_departments_15_duties_77_calls(loaded):
    versions = loaded["versions"]
    assert loaded["departments_created"] == 30
    assert Department.objects.count() == 30
    assert Domain.objects.count() == 16
    assert GridCategory.objects.count() == 5
    assert versions[ListKind.CATALOGUE].matter_types.count() == 92
    assert versions[ListKind.TOWN_DUTY].items.count() == 15
    assert versions[ListKind.CALL].items.count() == 77
    assert all(v.status == VersionStatus.PUBLISHED for v in versions.values())


def test_town_duty_and_call_lists_split_the_catalogue_without_overlap(loaded):
    versions = loaded["versions"]
    duty = set(versions[ListKind.TOWN_DUTY].items.values_list("matter_code", flat=True))
    call = set(versions[ListKind.CALL].items.values_list("matter_code", flat=True))
    catalogue = set(versions[ListKind.CATALOGUE].matter_types.values_list("code", flat=True))
    assert not duty & call
    assert duty | call == catalogue


def test_reference_limits_use_natural_hours_only_for_urgent_signing(loaded):
    catalogue = loaded["versions"][ListKind.CATALOGUE]
    manhole = catalogue.matter_types.get(code="M001")  # urgent, sign within 0.5 h
    lamp = catalogue.matter_types.get(code="M002")
    assert manhole.limit("sign") == (Decimal("0.5"), LimitUnit.NATURAL_HOURS)
    assert lamp.limit("sign") == (Decimal("4"), LimitUnit.WORKING_HOURS)
    assert lamp.limit("complete") == (Decimal("5"), LimitUnit.WORKING_DAYS)
    assert set(manhole.co_departments.values_list("code", flat=True)) == {"D01", "D26", "D29"}


def test_grid_admission_leaves_out_professional_domains_and_red_matters(loaded):
    codes = set(loaded["versions"][ListKind.GRID_ADMISSION].items
                .values_list("matter_code", flat=True))
    catalogue = loaded["versions"][ListKind.CATALOGUE].matter_types
    admitted = catalogue.filter(code__in=codes)
    assert 0 < len(codes) < 92
    assert not admitted.filter(domain__code__in=PROFESSIONAL_DOMAINS).exists()
    assert not admitted.filter(colour="red").exists()
    assert "M071" in codes  # 邻里纠纷: a grid worker's everyday work


def test_reloading_the_reference_duplicates_nothing(loaded, county, now):
    again = catalogue_load_reference(actor=None, county=county, now=now)
    assert again["departments_created"] == 0
    assert not any(again["created"].values())
    assert again["versions"] == loaded["versions"]
    assert ListVersion.objects.count() == 4
    assert MatterType.objects.count() == 92
    assert ListItem.objects.count() == sum(
        loaded["versions"][k].items.count() for k in ListKind.values)


def test_existing_departments_are_kept_not_duplicated(county, now):
    Department.objects.create(code="D05", name="市住房和城乡建设局", short_name="住建",
                              kind=DepartmentKind.GOVERNMENT, unit=county)
    result = catalogue_load_reference(actor=None, county=county, now=now)
    assert result["departments_created"] == 29
    assert Department.objects.get(code="D05").name == "市住房和城乡建设局"


def test_reference_load_as_draft_leaves_versions_unpublished(county, now):
    result = catalogue_load_reference(actor=None, county=county, now=now, publish=False)
    assert all(v.status == VersionStatus.DRAFT for v in result["versions"].values())
    published = catalogue_load_reference(actor=None, county=county, now=now)
    assert ListVersion.objects.count() == 4
    assert all(v.status == VersionStatus.PUBLISHED for v in published["versions"].values())
