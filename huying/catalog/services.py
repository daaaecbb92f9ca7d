"""Writes to the lists (清单): create a draft version, edit it, publish it.

A published version is read-only: every editing service refuses it with
`TransitionNotAllowed`, so what the public saw on a day can always be shown again.
Only administrators (staff or superusers) write lists; `actor=None` is the system itself
(management commands, the demo seed).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from huying.catalog import selectors
from huying.catalog.data_types import ListItemData, MatterTypeData, VersionContent
from huying.catalog.models import (
    ListItem,
    ListKind,
    ListVersion,
    MatterType,
    VersionStatus,
)
from huying.catalog.validation import Lookups, Problem, item_problems, matter_type_problems
from huying.common.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from huying.common.messages import Message, literal
from huying.org.models import Level, OrgUnit, User


def ensure_may_administer_lists(actor: User | None) -> None:
    if actor is None:
        return
    if not (actor.is_active and (actor.is_superuser or actor.is_staff)):
        raise PermissionDenied(_("Only administrators may change the lists."))


def _locked_draft(version: ListVersion) -> ListVersion:
    """The version's row, locked, refusing a published version."""
    locked = ListVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status == VersionStatus.PUBLISHED:
        raise TransitionNotAllowed(
            _("%(version)s is published and can no longer be changed.")
            % {"version": locked})
    return locked


def _refuse(problems: list[Problem], **details: object) -> None:
    if problems:
        raise ValidationFailed("；".join(str(p) for p in problems),
                               problems=[{"field": p.field, "message": p.message}
                                         for p in problems], **details)


def _require_kind(version: ListVersion, catalogue: bool) -> None:
    if (version.kind == ListKind.CATALOGUE) != catalogue:
        if catalogue:
            raise ValidationFailed(_("Only the matter catalogue holds matter types."))
        raise ValidationFailed(_("The matter catalogue holds matter types, not list items."))


def version_text(value: Message | str) -> Message:
    """A version's title or note: typed text is stored stripped, as a literal; the reference
    loader passes a message key, rendered when read."""
    if isinstance(value, Message) and "text" not in value.data:
        return value
    return literal(str(value).strip())


@transaction.atomic
def list_version_create(*, actor: User | None, county: OrgUnit, kind: str,
                        title: Message | str, effective_from: date, note: Message | str = "",
                        copy_from: ListVersion | None = None, now: datetime) -> ListVersion:
    """Open a new draft version of a list, numbered after the county's last one of that kind,
    optionally starting from the content of another version of the same list."""
    ensure_may_administer_lists(actor)
    if kind not in ListKind.values:
        raise ValidationFailed(_("Unknown list kind %(kind)s.") % {"kind": kind})
    if county.level != Level.COUNTY:
        raise ValidationFailed(_("Lists belong to a county."))
    title, note = version_text(title), version_text(note)
    if not title:
        raise ValidationFailed(_("A list version needs a title."))
    if copy_from is not None and (copy_from.kind != kind or copy_from.county_id != county.pk):
        raise ValidationFailed(_("A version can only be copied from the same list."))
    # Lock the county so two drafts opened at once do not take the same number.
    OrgUnit.objects.select_for_update().filter(pk=county.pk).first()
    last = (ListVersion.objects.filter(county=county, kind=kind)
            .aggregate(m=Max("number"))["m"]) or 0
    version = ListVersion.objects.create(
        county=county, kind=kind, number=last + 1, title=title,
        effective_from=effective_from, note=note, created_at=now)
    if copy_from is not None:
        _copy_content(copy_from, version)
    return version


def _copy_content(source: ListVersion, target: ListVersion) -> None:
    if source.kind == ListKind.CATALOGUE:
        for matter in source.matter_types.prefetch_related("co_departments"):
            co = list(matter.co_departments.all())
            matter.pk = None
            matter.version = target
            # Forget the source's prefetched co-departments, or set() would see them as
            # already linked to the copy.
            matter._prefetched_objects_cache = {}
            matter.save()
            matter.co_departments.set(co)
    else:
        ListItem.objects.bulk_create(
            ListItem(version=target, position=i.position, matter_code=i.matter_code,
                     title=i.title, note=i.note) for i in source.items.all())


@transaction.atomic
def list_version_update(*, actor: User | None, version: ListVersion, title: Message | str,
                        effective_from: date, note: Message | str = "", now: datetime
                        ) -> ListVersion:
    """Change a draft's title, effective date or note."""
    ensure_may_administer_lists(actor)
    version = _locked_draft(version)
    title, note = version_text(title), version_text(note)
    if not title:
        raise ValidationFailed(_("A list version needs a title."))
    version.title, version.effective_from, version.note = title, effective_from, note
    version.save(update_fields=["title", "effective_from", "note"])
    return version


@transaction.atomic
def list_version_discard(*, actor: User | None, version: ListVersion, now: datetime) -> None:
    """Delete a draft and its content (a published version is kept forever)."""
    ensure_may_administer_lists(actor)
    _locked_draft(version).delete()


def _apply_matter_type(version: ListVersion, data: MatterTypeData,
                       lookups: Lookups) -> MatterType:
    values = {
        "name": data.name.strip(), "domain": lookups.domains[data.domain],
        "grid_category": lookups.categories.get(data.grid_category or ""),
        "lead_department": lookups.departments[data.lead_department],
        "colour": data.colour, "urgent": data.urgent,
        "sign_amount": data.sign_amount, "sign_unit": data.sign_unit,
        "respond_amount": data.respond_amount, "respond_unit": data.respond_unit,
        "complete_amount": data.complete_amount, "complete_unit": data.complete_unit,
        "standard": data.standard, "keywords": list(data.keywords),
        "examples": list(data.examples),
    }
    matter, _created = MatterType.objects.update_or_create(
        version=version, code=data.code.strip(), defaults=values)
    matter.co_departments.set([lookups.departments[c] for c in dict.fromkeys(data.co_departments)])
    return matter


@transaction.atomic
def matter_type_save(*, actor: User | None, version: ListVersion, data: MatterTypeData,
                     now: datetime) -> MatterType:
    """Add a matter type to a draft catalogue, or replace the one with the same code."""
    ensure_may_administer_lists(actor)
    version = _locked_draft(version)
    _require_kind(version, catalogue=True)
    lookups = Lookups()
    _refuse(matter_type_problems(data, lookups), code=data.code)
    return _apply_matter_type(version, data, lookups)


@transaction.atomic
def matter_type_remove(*, actor: User | None, version: ListVersion, code: str,
                       now: datetime) -> None:
    ensure_may_administer_lists(actor)
    version = _locked_draft(version)
    _require_kind(version, catalogue=True)
    version.matter_types.filter(code=code).delete()


def catalogue_for(version: ListVersion) -> ListVersion | None:
    """The catalogue a list version's matter codes must come from: the one in force on the
    list's effective date. (A list naming matters that are not in force when it takes effect
    would make `rules.ensure_may_call` refuse or admit matters nobody can classify.)"""
    return selectors.list_in_force(county=version.county, kind=ListKind.CATALOGUE,
                                   on=version.effective_from)


def _catalogue_names(catalogue: ListVersion | None) -> dict[str, str] | None:
    if catalogue is None:
        return None
    return dict(catalogue.matter_types.values_list("code", "name"))


def _apply_item(version: ListVersion, data: ListItemData,
                names: dict[str, str] | None, position: int) -> ListItem:
    title = data.title.strip() or (names or {}).get(data.matter_code, data.matter_code)
    item, _created = ListItem.objects.update_or_create(
        version=version, matter_code=data.matter_code.strip(),
        defaults={"title": title, "note": data.note, "position": position})
    return item


@transaction.atomic
def list_item_add(*, actor: User | None, version: ListVersion, matter_code: str,
                  title: str = "", note: str = "", position: int | None = None,
                  now: datetime) -> ListItem:
    """Put a matter on a draft list (or update its line). The title defaults to the matter
    type's name; the position defaults to the end of the list."""
    ensure_may_administer_lists(actor)
    version = _locked_draft(version)
    _require_kind(version, catalogue=False)
    catalogue = catalogue_for(version)
    names = _catalogue_names(catalogue)
    data = ListItemData(matter_code=matter_code.strip(), title=title, note=note,
                        position=position)
    _refuse(item_problems(data, names, str(catalogue or "")), matter_code=matter_code)
    if position is None:
        existing = version.items.filter(matter_code=data.matter_code).first()
        position = existing.position if existing else (
            (version.items.aggregate(m=Max("position"))["m"] or 0) + 1)
    return _apply_item(version, data, names, position)


@transaction.atomic
def list_item_remove(*, actor: User | None, version: ListVersion, matter_code: str,
                     now: datetime) -> None:
    ensure_may_administer_lists(actor)
    version = _locked_draft(version)
    _require_kind(version, catalogue=False)
    version.items.filter(matter_code=matter_code).delete()


@transaction.atomic
def list_version_fill(*, actor: User | None, version: ListVersion, content: VersionContent,
                      now: datetime) -> ListVersion:
    """Replace a draft's whole content (used by the Excel import and the reference loader).
    Every line is checked first; one bad line refuses the lot."""
    ensure_may_administer_lists(actor)
    version = _locked_draft(version)
    if version.kind == ListKind.CATALOGUE:
        lookups = Lookups()
        problems = [p for m in content.matter_types for p in matter_type_problems(m, lookups)]
        _refuse(problems)
        version.matter_types.all().delete()
        for data in content.matter_types:
            _apply_matter_type(version, data, lookups)
    else:
        catalogue = catalogue_for(version)
        names = _catalogue_names(catalogue)
        _refuse([p for i in content.items for p in item_problems(i, names, str(catalogue))])
        version.items.all().delete()
        for index, data in enumerate(content.items, start=1):
            _apply_item(version, data, names, data.position or index)
    return version


def publication_problems(version: ListVersion) -> list[str]:
    """Why a version may not be published yet (empty when it may)."""
    problems: list[str] = []
    if version.kind == ListKind.CATALOGUE:
        matters = list(version.matter_types.select_related("lead_department"))
        if not matters:
            problems.append(_("The catalogue has no matter types."))
        for matter in matters:
            if matter.lead_department_id is None or not matter.lead_department.active:
                problems.append(_("%(matter)s has no active lead department.")
                                % {"matter": matter})
            for metric in ("sign", "respond", "complete"):
                amount, _unit = matter.limit(metric)
                if amount is None or amount <= 0:
                    problems.append(_("%(matter)s: every time limit must be greater than zero.")
                                    % {"matter": matter})
                    break
        return problems
    items = list(version.items.all())
    if not items:
        problems.append(_("The list has no items."))
    catalogue = catalogue_for(version)
    if catalogue is None:
        problems.append(_("No matter catalogue is in force on %(date)s; publish one first.")
                        % {"date": version.effective_from})
        return problems
    codes = set(catalogue.matter_types.values_list("code", flat=True))
    problems.extend(
        _("Item %(n)d: matter code %(code)s is not in the matter catalogue %(catalogue)s.")
        % {"n": item.position, "code": item.matter_code, "catalogue": catalogue}
        for item in items if item.matter_code not in codes)
    return problems


@transaction.atomic
def list_version_publish(*, actor: User | None, version: ListVersion,
                         now: datetime) -> ListVersion:
    """Publish a complete draft (向社会公布). From now on it is read-only and, from its
    effective date, in force. A catalogue must name a lead department and positive limits
    for every matter; another list may only name matters of the catalogue in force on its
    effective date."""
    ensure_may_administer_lists(actor)
    version = _locked_draft(version)
    problems = publication_problems(version)
    if problems:
        raise ValidationFailed(
            _("%(version)s cannot be published: %(problems)s")
            % {"version": version, "problems": "；".join(problems)}, problems=problems)
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by"])
    return version
