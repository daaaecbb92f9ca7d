"""Who may see which scores, rankings and indicators.

Leaders, the county command centre's supervisors and administrators see all of their
county; a department sees its own score and deductions (and the rankings); towns and their
grids see the rankings and their own town's indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from huying.cases.scope import places_of
from huying.cases.selectors import TERRITORIAL_ROLES, is_platform_admin
from huying.common.errors import NotFound, PermissionDenied
from huying.org.models import DEPARTMENT_ROLES, Department, Level, OrgUnit, Role, User
from huying.org.selectors import county_of


@dataclass
class Viewer:
    county: OrgUnit | None
    county_wide: bool = False
    department_ids: set[int] = field(default_factory=set)
    town_ids: set[int] = field(default_factory=set)

    @property
    def anything(self) -> bool:
        return self.county is not None and (
            self.county_wide or bool(self.department_ids) or bool(self.town_ids))


def _town_of(unit: OrgUnit) -> int | None:
    if unit.level == Level.TOWN:
        return unit.pk
    ids = unit.ancestor_ids()
    return ids[1] if len(ids) > 1 else None


def viewer_of(user: User, county_code: str | None = None) -> Viewer:
    """What `user` may see, in their county (an administrator may name the county)."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Please sign in first."))
    if is_platform_admin(user):
        counties = OrgUnit.objects.filter(level=Level.COUNTY)
        county = (counties.filter(code=county_code).first() if county_code
                  else (counties.first() if counties.count() == 1 else None))
        if county is None:
            raise NotFound(_("Name the county (county=code)."))
        return Viewer(county=county, county_wide=True)
    viewer = Viewer(county=None)
    for place in places_of(user):
        if place.unit is None:
            continue
        county = county_of(place.unit)
        if viewer.county is not None and county.pk != viewer.county.pk:
            continue  # a person working for two counties sees the first one
        if place.role in DEPARTMENT_ROLES and place.department_id:
            viewer.department_ids.add(place.department_id)
        elif place.role in (Role.LEADER, Role.SUPERVISOR) and place.unit.level == Level.COUNTY:
            viewer.county_wide = True
        elif place.role in TERRITORIAL_ROLES or place.role == Role.SUPERVISOR:
            town = _town_of(place.unit)
            if town is not None:
                viewer.town_ids.add(town)
        else:
            continue
        viewer.county = county
    return viewer


def ensure_may_see_rankings(viewer: Viewer) -> OrgUnit:
    if not viewer.anything:
        raise PermissionDenied(_("Rankings are for the county's leaders, departments and "
                                 "towns."))
    return viewer.county  # type: ignore[return-value]


def ensure_may_see_department(viewer: Viewer, department: Department) -> None:
    """A department's score and deductions: its own staff, or the county-wide roles."""
    if viewer.county_wide and department.unit.path.startswith(viewer.county.path):
        return
    if department.pk in viewer.department_ids:
        return
    raise PermissionDenied(_("Only the department itself and the county's leaders and "
                             "supervisors may see its score and deductions."))


def ensure_may_see_scope(viewer: Viewer, *, town: OrgUnit | None,
                         department: Department | None) -> None:
    """Indicators: the county's for county-wide roles; a town's for that town; a department's
    for that department."""
    if viewer.county_wide:
        return
    if department is not None and town is None and department.pk in viewer.department_ids:
        return
    if town is not None and department is None and town.pk in viewer.town_ids:
        return
    raise PermissionDenied(_("These indicators are not yours to see."))
