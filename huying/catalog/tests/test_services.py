from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huying.catalog import services
from huying.catalog.data_types import MatterTypeData, version_fingerprint
from huying.catalog.models import LimitUnit, ListKind, VersionStatus
from huying.common.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed


def lamp(**changes) -> MatterTypeData:
    values = dict(code="M002", name="路灯不亮（修订）", domain="L01", lead_department="D05",
                  colour="green", sign_amount=Decimal(2), sign_unit=LimitUnit.WORKING_HOURS,
                  respond_amount=Decimal(1), respond_unit=LimitUnit.WORKING_DAYS,
                  complete_amount=Decimal(3), complete_unit=LimitUnit.WORKING_DAYS)
    values.update(changes)
    return MatterTypeData(**values)


def test_new_versions_are_numbered_per_county_and_kind(loaded, county, now):
    draft = services.list_version_create(actor=None, county=county, kind=ListKind.CALL,
                                         title="呼应事项清单 2026", now=now,
                                         effective_from=date(2026, 1, 1))
    assert draft.number == 2
    assert draft.status == VersionStatus.DRAFT
    assert draft.items.count() == 0


def test_copy_from_copies_matter_types_with_their_co_departments(loaded, county, now):
    source = loaded["versions"][ListKind.CATALOGUE]
    draft = services.list_version_create(actor=None, county=county, kind=ListKind.CATALOGUE,
                                         title="事项清单 2026", copy_from=source, now=now,
                                         effective_from=date(2026, 1, 1))
    assert draft.matter_types.count() == 92
    assert version_fingerprint(draft) == version_fingerprint(source)


def test_published_version_refuses_edits_and_changes_nothing(loaded, now):
    catalogue = loaded["versions"][ListKind.CATALOGUE]
    call = loaded["versions"][ListKind.CALL]
    before = (version_fingerprint(catalogue), version_fingerprint(call))
    attempts = [
        lambda: services.matter_type_save(actor=None, version=catalogue, data=lamp(), now=now),
        lambda: services.matter_type_remove(actor=None, version=catalogue, code="M001",
                                            now=now),
        lambda: services.list_item_add(actor=None, version=call, matter_code="M006", now=now),
        lambda: services.list_item_remove(actor=None, version=call, matter_code="M001",
                                          now=now),
        lambda: services.list_version_update(actor=None, version=call, title="x",
                                             effective_from=date(2020, 1, 1), now=now),
        lambda: services.list_version_publish(actor=None, version=call, now=now),
        lambda: services.list_version_discard(actor=None, version=call, now=now),
    ]
    for attempt in attempts:
        with pytest.raises(TransitionNotAllowed):
            attempt()
    call.refresh_from_db()
    assert call.effective_from == date(2025, 1, 1)
    assert (version_fingerprint(catalogue), version_fingerprint(call)) == before


def test_matter_type_save_updates_a_draft_line_by_code(loaded, county, now):
    draft = services.list_version_create(
        actor=None, county=county, kind=ListKind.CATALOGUE, title="t", now=now,
        effective_from=date(2026, 1, 1), copy_from=loaded["versions"][ListKind.CATALOGUE])
    services.matter_type_save(actor=None, version=draft, data=lamp(co_departments=("D25",)),
                              now=now)
    matter = draft.matter_types.get(code="M002")
    assert matter.name == "路灯不亮（修订）"
    assert matter.limit("sign") == (Decimal(2), LimitUnit.WORKING_HOURS)
    assert draft.matter_types.count() == 92


def test_matter_type_save_refuses_unknown_codes_and_non_positive_limits(loaded, county, now):
    draft = services.list_version_create(actor=None, county=county, kind=ListKind.CATALOGUE,
                                         title="t", effective_from=date(2026, 1, 1), now=now)
    with pytest.raises(ValidationFailed) as refused:
        services.matter_type_save(actor=None, version=draft, now=now,
                                  data=lamp(lead_department="D99", sign_amount=Decimal(0)))
    fields = {p["field"] for p in refused.value.details["problems"]}
    assert fields == {"lead_department", "sign_amount"}
    assert draft.matter_types.count() == 0


def test_only_administrators_may_change_lists(county, clerk, admin_user, now):
    with pytest.raises(PermissionDenied):
        services.list_version_create(actor=clerk, county=county, kind=ListKind.CALL,
                                     title="t", effective_from=date(2025, 1, 1), now=now)
    version = services.list_version_create(actor=admin_user, county=county,
                                           kind=ListKind.CALL, title="t",
                                           effective_from=date(2025, 1, 1), now=now)
    assert version.number == 1


def test_publishing_a_list_naming_an_unknown_matter_is_refused(loaded, county, now):
    draft = services.list_version_create(
        actor=None, county=county, kind=ListKind.CALL, title="t", now=now,
        effective_from=date(2026, 1, 1), copy_from=loaded["versions"][ListKind.CALL])
    draft.items.create(matter_code="M999", title="不存在的事项", position=99)
    with pytest.raises(ValidationFailed) as refused:
        services.list_version_publish(actor=None, version=draft, now=now)
    assert "M999" in refused.value.message
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_list_item_add_refuses_a_matter_missing_from_the_catalogue(loaded, county, now):
    draft = services.list_version_create(actor=None, county=county, kind=ListKind.TOWN_DUTY,
                                         title="t", effective_from=date(2026, 1, 1), now=now)
    with pytest.raises(ValidationFailed):
        services.list_item_add(actor=None, version=draft, matter_code="M999", now=now)
    item = services.list_item_add(actor=None, version=draft, matter_code="M071", now=now)
    assert (item.position, item.title) == (1, "邻里纠纷")


def test_publishing_an_empty_list_is_refused(loaded, county, now):
    draft = services.list_version_create(actor=None, county=county, kind=ListKind.CALL,
                                         title="t", effective_from=date(2026, 1, 1), now=now)
    with pytest.raises(ValidationFailed):
        services.list_version_publish(actor=None, version=draft, now=now)


def test_publishing_records_who_and_when(loaded, county, admin_user, now):
    draft = services.list_version_create(
        actor=admin_user, county=county, kind=ListKind.CALL, title="t", now=now,
        effective_from=date(2026, 1, 1), copy_from=loaded["versions"][ListKind.CALL])
    published = services.list_version_publish(actor=admin_user, version=draft, now=now)
    assert published.status == VersionStatus.PUBLISHED
    assert (published.published_at, published.published_by) == (now, admin_user)
