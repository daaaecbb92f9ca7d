"""Reads of the routing model: suggestions for a text, for the cases on the triage board,
and who may ask for them.

A suggestion names a matter type of the catalogue in force in the county, so what it
carries (name, lead and co-departments) is read from there, never from the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from huying.cases.states import CASE
from huying.catalog.models import MatterType
from huying.catalog.selectors import matter_types_in_force
from huying.org.models import OrgUnit, User
from huying.org.selectors import is_admin, places_of
from huying.routing.classifier import TOP_K
from huying.routing.models import CaseSuggestion
from huying.routing.store import model_current, scope_for

TEXT_MAX = 2000


@dataclass(frozen=True)
class Suggested:
    """One suggestion as the model gave it."""

    code: str
    confidence: float


@dataclass(frozen=True)
class Suggestions:
    items: list[Suggested]
    stale: bool
    model_version: str


@dataclass(frozen=True)
class MatterSuggestion:
    """A suggestion with what the catalogue in force says of its matter type."""

    code: str
    name: str
    confidence: float
    lead: str  # the lead department's name
    co: list[str]  # the co-departments' names

    @property
    def percent(self) -> int:
        """The confidence as people read it: never "100 %", a model is never certain."""
        return min(round(self.confidence * 100), 99)


def may_ask_for_suggestions(user: User | None) -> bool:
    """Anyone who may report a case (the roles of the `report` transition) or an
    administrator."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    roles = {role for grant in CASE["report"].grants for role in grant.roles}
    return is_admin(user) or any(p.role in roles for p in places_of(user))


def suggestions_for_text(*, text: str, county: OrgUnit | None, on: date,
                         k: int = TOP_K) -> Suggestions | None:
    """The model's top `k` matter codes for `text` in `county` on day `on`, or None when
    there is no model. Only codes of the county's catalogue in force are suggested."""
    model = model_current()
    if model is None:
        return None
    scope = scope_for(model, county, on)
    if not scope.codes:
        return Suggestions([], scope.stale, model.version)
    top = model.classifier.top([text[:TEXT_MAX]], k=k, allowed=scope.codes)[0]
    return Suggestions([Suggested(s.code, s.confidence) for s in top], scope.stale,
                       model.version)


def _matters_by_code(county_id: int, codes: Iterable[str], on: date,
                     counties: dict[int, OrgUnit]) -> dict[str, MatterType]:
    matters = matter_types_in_force(county=counties[county_id], on=on).filter(code__in=set(codes))
    return {m.code: m for m in matters}


def _described(items: Iterable[Suggested | dict], matters: dict[str, MatterType]
               ) -> list[MatterSuggestion]:
    found = []
    for item in items:
        code, confidence = ((item["code"], item["confidence"]) if isinstance(item, dict)
                            else (item.code, item.confidence))
        matter = matters.get(code)
        if matter is None:  # no longer in force: not suggested
            continue
        found.append(MatterSuggestion(
            code=code, name=matter.name, confidence=float(confidence),
            lead=matter.lead_department.name,
            co=[d.name for d in sorted(matter.co_departments.all(), key=lambda d: d.code)]))
    return found


def matter_suggestions(*, text: str, county: OrgUnit, on: date
                       ) -> tuple[list[MatterSuggestion], Suggestions | None]:
    """Suggestions for `text` with their matter types' names and departments."""
    found = suggestions_for_text(text=text, county=county, on=on)
    if found is None or not found.items:
        return [], found
    matters = _matters_by_code(county.pk, [s.code for s in found.items], on,
                               {county.pk: county})
    return _described(found.items, matters), found


def matter_names_for_text(*, text: str, county: OrgUnit, on: date,
                          min_confidence: float = 0.0) -> list[str]:
    """The names only of the likely matter types at least `min_confidence` sure (what the
    citizen's page may show)."""
    found = suggestions_for_text(text=text, county=county, on=on)
    items = [s for s in (found.items if found else []) if s.confidence >= min_confidence]
    if not items:
        return []
    names = dict(matter_types_in_force(county=county, on=on)
                 .filter(code__in=[s.code for s in items]).values_list("code", "name"))
    return [names[s.code] for s in items if s.code in names]


@dataclass(frozen=True)
class CaseSuggestions:
    items: list[MatterSuggestion]
    stale: bool
    model_version: str


def suggestions_for_cases(case_ids: Iterable[int], *, on: date) -> dict[int, CaseSuggestions]:
    """The stored suggestions of each case (those without any are left out), described
    from the catalogue in force in the case's county. Queries: one for the suggestions and
    their cases' counties, then three per county (its catalogue version, its matter types,
    their co-departments) whatever the number of cases."""
    rows = list(CaseSuggestion.objects.filter(case_id__in=list(case_ids))
                .select_related("case__county"))
    counties = {row.case.county_id: row.case.county for row in rows}
    codes: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        codes[row.case.county_id].update(item["code"] for item in row.suggestions)
    matters = {county_id: _matters_by_code(county_id, wanted, on, counties)
               for county_id, wanted in codes.items()}
    return {row.case_id: CaseSuggestions(_described(row.suggestions,
                                                    matters[row.case.county_id]),
                                         row.stale, row.model_version)
            for row in rows}


GUESS_CONFIDENCE = 0.6


def matter_guess(text: str) -> str | None:
    """The model's matter code for a text when it is fairly sure (≥ 0.6), else None; None
    without a model. Duplicate finding uses it for reports nobody classified yet
    (`HUYING_DUPLICATE_MATTER_GUESSER`)."""
    model = model_current()
    if model is None or not text.strip():
        return None
    top = model.classifier.top([text[:TEXT_MAX]], k=1)[0]
    return top[0].code if top and top[0].confidence >= GUESS_CONFIDENCE else None
