from __future__ import annotations

from datetime import date

from huying.catalog import selectors, services
from huying.catalog.data_types import MatterTypeData
from huying.catalog.models import ListKind


def new_catalogue(loaded, county, now, effective: date, lamp_name: str):
    draft = services.list_version_create(
        actor=None, county=county, kind=ListKind.CATALOGUE, title=f"catalogue {effective}",
        effective_from=effective, now=now, copy_from=loaded["versions"][ListKind.CATALOGUE])
    lamp = MatterTypeData.from_model(draft.matter_types.get(code="M002"))
    services.matter_type_save(actor=None, version=draft, now=now,
                              data=MatterTypeData(**{**lamp.__dict__, "name": lamp_name}))
    return services.list_version_publish(actor=None, version=draft, now=now)


def test_list_in_force_picks_the_latest_effective_date_not_after_the_day(loaded, county, now):
    first = loaded["versions"][ListKind.CATALOGUE]
    later = new_catalogue(loaded, county, now, date(2025, 7, 1), "路灯故障")
    kind = ListKind.CATALOGUE
    assert selectors.list_in_force(county=county, kind=kind, on=date(2024, 12, 31)) is None
    assert selectors.list_in_force(county=county, kind=kind, on=date(2025, 1, 1)) == first
    assert selectors.list_in_force(county=county, kind=kind, on=date(2025, 6, 30)) == first
    assert selectors.list_in_force(county=county, kind=kind, on=date(2025, 7, 1)) == later
    on_july = selectors.matter_type_in_force(county=county, code="M002", on=date(2025, 7, 2))
    on_june = selectors.matter_type_in_force(county=county, code="M002", on=date(2025, 6, 2))
    assert (on_june.name, on_july.name) == ("路灯不亮", "路灯故障")


def test_a_draft_is_never_in_force(loaded, county, now):
    services.list_version_create(actor=None, county=county, kind=ListKind.CALL, title="t",
                                 effective_from=date(2025, 2, 1), now=now)
    in_force = selectors.list_in_force(county=county, kind=ListKind.CALL, on=date(2025, 3, 1))
    assert in_force == loaded["versions"][ListKind.CALL]


def test_matter_codes_on_list_and_grid_admission_matter_types(loaded, county):
    day = date(2025, 3, 1)
    duty = selectors.matter_codes_on_list(county=county, kind=ListKind.TOWN_DUTY, on=day)
    assert len(duty) == 15 and "M071" in duty
    grid = selectors.matter_types_for_grid_admission(county=county, on=day)
    admission = selectors.matter_codes_on_list(county=county, kind=ListKind.GRID_ADMISSION,
                                               on=day)
    assert {m.code for m in grid} == admission
    assert selectors.matter_codes_on_list(county=county, kind=ListKind.CALL,
                                          on=date(2024, 1, 1)) == set()
