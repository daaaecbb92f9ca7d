"""What the lists allow, as checks the case lifecycle calls (SPEC.md "Lists").

- `ensure_may_call`: a town may call the county only for matters on the call-matter list
  (呼应事项清单) and never for its own duties (镇街职责清单).
- `ensure_grid_admission`: a grid worker may only be tasked with listed matters (网格准入).
- `strictest_limit`: 时限就低 — where several rules set a limit, the shortest wins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.catalog import selectors
from huying.catalog.models import LimitUnit, ListKind, ListVersion
from huying.common.errors import NotOnList, ValidationFailed
from huying.org.models import OrgUnit

Limit = tuple[Decimal, str]

TOWN_DUTY_REFUSAL = gettext_lazy(
    "“%(name)s” is item %(n)d of the %(list)s (version %(version)d): a town duty, not called up.")


def _matter_name(county: OrgUnit, code: str, on: date) -> str:
    matter = selectors.matter_type_in_force(county=county, code=code, on=on)
    return matter.name if matter else code


def _list_name(version: ListVersion) -> str:
    return str(version.get_kind_display())


def ensure_may_call(county: OrgUnit, matter_code: str, on: date) -> None:
    """Refuse (NotOnList) a call to the county for `matter_code` on day `on` when the matter
    is a town duty, or is not on the call-matter list in force."""
    duty, item = selectors.list_item_in_force(county=county, kind=ListKind.TOWN_DUTY,
                                              code=matter_code, on=on)
    if duty is not None and item is not None:
        raise NotOnList(
            str(TOWN_DUTY_REFUSAL)
            % {"name": item.title or _matter_name(county, matter_code, on), "n": item.position,
               "list": _list_name(duty), "version": duty.number},
            list=ListKind.TOWN_DUTY, version=duty.number, item=item.position,
            matter_code=matter_code)
    call, item = selectors.list_item_in_force(county=county, kind=ListKind.CALL,
                                              code=matter_code, on=on)
    if call is None:
        raise NotOnList(_("No call-matter list is in force on %(date)s.") % {"date": on},
                        list=ListKind.CALL, matter_code=matter_code)
    if item is None:
        raise NotOnList(
            _("“%(name)s” is not on the %(list)s (version %(version)d): no call.")
            % {"name": _matter_name(county, matter_code, on), "list": _list_name(call),
               "version": call.number},
            list=ListKind.CALL, version=call.number, matter_code=matter_code)


def ensure_grid_admission(county: OrgUnit, matter_code: str, on: date) -> None:
    """Refuse (NotOnList) tasking a grid worker with a matter outside the grid admission
    list in force on `on`."""
    version, item = selectors.list_item_in_force(county=county, kind=ListKind.GRID_ADMISSION,
                                                 code=matter_code, on=on)
    if version is None:
        raise NotOnList(_("No grid admission list is in force on %(date)s.") % {"date": on},
                        list=ListKind.GRID_ADMISSION, matter_code=matter_code)
    if item is None:
        raise NotOnList(
            _("“%(name)s” is not on the %(list)s (version %(version)d): not for grids.")
            % {"name": _matter_name(county, matter_code, on), "list": _list_name(version),
               "version": version.number},
            list=ListKind.GRID_ADMISSION, version=version.number, matter_code=matter_code)


# Without a calendar, limits of different units are compared by the least natural time each
# can take: a working hour never lasts less than a natural hour, and a working day never
# less than a natural day (the deadline falls on a later working day at the earliest).
# Choosing the limit with the smallest lower bound means a natural-hour limit that is
# surely shorter always wins. Ties go to the unit least stretched by nights and holidays.
# One scale keeps the choice independent of the order of the rules; its weak spot is
# working hours against working days (16 working hours count as shorter than one working
# day) — callers that can, pass `deadline_for` and compare real deadlines instead.
MINIMUM_NATURAL_HOURS = {
    LimitUnit.NATURAL_HOURS: Decimal(1),
    LimitUnit.WORKING_HOURS: Decimal(1),
    LimitUnit.WORKING_DAYS: Decimal(24),
}
UNIT_TIE_ORDER = [LimitUnit.NATURAL_HOURS, LimitUnit.WORKING_HOURS, LimitUnit.WORKING_DAYS]


def strictest_limit(limits: Iterable[Limit], *,
                    deadline_for: Callable[[Decimal, str], datetime] | None = None) -> Limit:
    """The shortest of several (amount, unit) limits (时限就低).

    With `deadline_for` — e.g. the workdays calendar's deadline from the case's start
    instant — limits are compared by their real deadlines, which is exact; without it,
    by `MINIMUM_NATURAL_HOURS`. Same unit: the smaller amount, always.
    """
    candidates = [(Decimal(amount), str(unit)) for amount, unit in limits]
    if not candidates:
        raise ValidationFailed(_("No time limit to choose from."))
    for _amount, unit in candidates:
        if unit not in MINIMUM_NATURAL_HOURS:
            raise ValidationFailed(_("Unknown time limit unit %(value)s.") % {"value": unit})
    if deadline_for is not None:
        return min(candidates, key=lambda lim: (deadline_for(*lim),
                                                UNIT_TIE_ORDER.index(lim[1])))
    return min(candidates, key=lambda lim: (lim[0] * MINIMUM_NATURAL_HOURS[lim[1]],
                                            UNIT_TIE_ORDER.index(lim[1])))


def ensure_not_town_duty(*, county: OrgUnit, matter_code: str, on: date) -> None:
    """Refuse to dispatch to county departments a matter the town must handle itself."""
    duty, item = selectors.list_item_in_force(county=county, kind=ListKind.TOWN_DUTY,
                                              code=matter_code, on=on)
    if duty is not None and item is not None:
        raise NotOnList(
            _("“%(name)s” is item %(n)d of the %(list)s (version %(version)d): send it back to "
              "the town instead of dispatching it to departments.")
            % {"name": item.title or _matter_name(county, matter_code, on), "n": item.position,
               "list": _list_name(duty), "version": duty.number},
            list=ListKind.TOWN_DUTY, version=duty.number, item=item.position,
            matter_code=matter_code)


def ensure_town_duty(*, county: OrgUnit, matter_code: str, on: date) -> None:
    """Duty admission (职责准入): a department may push a matter down to a town only when it
    is on the town duty list in force."""
    duty, item = selectors.list_item_in_force(county=county, kind=ListKind.TOWN_DUTY,
                                              code=matter_code, on=on)
    if duty is None or item is None:
        raise NotOnList(
            _("“%(name)s” is not on the town duty list: a department may not push it down to "
              "the town (duty admission).")
            % {"name": _matter_name(county, matter_code, on)},
            list=ListKind.TOWN_DUTY, matter_code=matter_code)
