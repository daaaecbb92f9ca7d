"""Does an actor hold a role whose organisational place covers a case?

A place covers a case when the membership's unit (or, for a department membership, the unit
its department serves) is one of the units the case lies in. The places themselves come from
`org.selectors.places_of` (read once per user object).
"""

from __future__ import annotations

from collections.abc import Iterable

from huying.cases.models import Case
from huying.org.models import DepartmentKind, Level, OrgUnit, User, VolunteerMember
from huying.org.selectors import Place, places_of  # noqa: F401  (re-exported: older imports)

CASE_UNIT_FIELD = {Level.COUNTY: "county_id", Level.TOWN: "town_id",
                   Level.COMMUNITY: "community_id", Level.GRID: "grid_id"}


def unit_covers_case(unit: OrgUnit, case: Case) -> bool:
    field = CASE_UNIT_FIELD.get(unit.level)
    if field is not None:
        return getattr(case, field) == unit.pk
    located = case.unit
    return located is not None and located.path.startswith(unit.path)


def actor_in_scope(actor: User, roles: Iterable[str], scope: str, *, case: Case,
                   department_id: int | None = None, team_id: int | None = None) -> bool:
    if scope == "team":
        return team_id is not None and VolunteerMember.objects.filter(
            team_id=team_id, user=actor, team__active=True).exists()
    roles = set(roles)
    for place in places_of(actor):
        if place.role not in roles:
            continue
        if scope == "department":
            if department_id is not None and place.department_id == department_id:
                return True
        elif place.unit is None:
            continue
        elif scope == "centre":
            is_centre = place.department_id is None or place.department_kind == (
                DepartmentKind.CENTRE)
            if is_centre and unit_covers_case(place.unit, case):
                return True
        elif scope == "town":
            if place.unit.level == Level.TOWN and case.town_id == place.unit.pk:
                return True
        elif unit_covers_case(place.unit, case):  # territory, county
            return True
    return False
