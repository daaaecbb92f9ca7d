"""Every write to a case: one keyword-only function per business action.

Each takes `actor` and `now`, locks the row, checks the transition in `states.py` (state and
who may), applies the lists (`huying.catalog.rules`), changes the rows and appends exactly one
case event, all in one transaction: a refused action changes nothing. `expected_version`
lets a client say which version it saw; a stale one is refused with `StaleVersion`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases import locating, validation
from huying.cases.deadlines import evaluation_due
from huying.cases.domain_events import (
    AssignmentCancelled,
    AssignmentReplied,
    AssignmentResponded,
    AssignmentSigned,
    AssignmentsOpened,
    CaseCallApproved,
    CaseCalled,
    CaseEvaluated,
    CaseReplied,
    CaseReported,
    CaseResumed,
    CaseStatusChanged,
    CaseSuspended,
    ExtensionApproved,
    ExtensionRequested,
    ReturnApproved,
    ReturnDenied,
    ReturnRequested,
)
from huying.cases.events import event_append
from huying.cases.models import (
    LEVEL_ORDER,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseLevel,
    CaseNumberCounter,
    CaseStatus,
    CreditEntry,
    Evaluation,
    ExtensionRequest,
    IntakeRecord,
    RallyCall,
    Rating,
    RequestStatus,
)
from huying.cases.scope import places_of
from huying.cases.selectors import department_takes_work
from huying.cases.states import (
    ASSIGNMENT,
    ASSIGNMENT_OPEN,
    CASE,
    RALLY,
    SATISFIED_RATINGS,
    WITHDRAWN_CASE,
    Transition,
    actor_may,
)
from huying.catalog import rules
from huying.catalog.models import COLOUR_SEVERITY, Colour, MatterType
from huying.catalog.selectors import matter_type_in_force
from huying.common.bus import publish
from huying.common.errors import (
    IntakeConflict,
    NotOnList,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from huying.org.models import Department, DepartmentKind, Level, OrgUnit, User, VolunteerTeam
from huying.org.selectors import unit_ancestors

# ---------------------------------------------------------------------------------------
# plumbing shared by the actions


def _remember_state(case: Case) -> None:
    """Note the row as read, so that saving it writes only the columns that changed."""
    case._saved_state = {f.attname: getattr(case, f.attname)  # type: ignore[attr-defined]
                         for f in Case._meta.concrete_fields if not f.primary_key}


def _remember_assignment(assignment: Assignment) -> None:
    assignment._saved_state = {  # type: ignore[attr-defined]
        f.attname: getattr(assignment, f.attname)
        for f in Assignment._meta.concrete_fields if not f.primary_key}


def assignment_save_changes(assignment: Assignment) -> None:
    """Like `case_save_changes`, for an assignment read by `assignment_lock`."""
    state: dict[str, Any] | None = getattr(assignment, "_saved_state", None)
    if state is None:
        assignment.save()
    else:
        changed = [name for name, value in state.items()
                   if getattr(assignment, name) != value]
        if changed:
            assignment.save(update_fields=changed)
    _remember_assignment(assignment)


def case_save_changes(case: Case) -> None:
    """Save a case read by `case_lock`: only the columns an action changed (the text of a
    report is not rewritten by every step); all of them for a case read elsewhere."""
    state: dict[str, Any] | None = getattr(case, "_saved_state", None)
    if state is None:
        case.save()
    else:
        changed = [name for name, value in state.items() if getattr(case, name) != value]
        if changed:
            case.save(update_fields=changed)
    _remember_state(case)


def case_lock(case: Case | int, expected_version: int | None = None) -> Case:
    """The case (or the case of that id) read again with its row locked, with its unit and
    county (without their outlines) and its matter type in the same read: nearly every
    action asks for them."""
    pk = case if isinstance(case, int) else case.pk
    locked = (Case.objects.select_for_update(of=("self",))
              .select_related("unit", "county", "matter_type")
              .defer("unit__geometry", "county__geometry").get(pk=pk))
    _remember_state(locked)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _("The case was changed by someone else meanwhile (now version %(now)d, you saw "
              "%(seen)d). Reload it and try again.")
            % {"now": locked.version, "seen": expected_version},
            version=locked.version)
    return locked


def assignment_lock(assignment: Assignment, expected_version: int | None = None
                    ) -> tuple[Assignment, Case]:
    case = case_lock(assignment.case_id)
    locked = Assignment.objects.select_for_update(of=("self",)).select_related("department").get(
        pk=assignment.pk)
    locked.case = case  # the locked row, not a second read
    _remember_assignment(locked)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _("The assignment was changed by someone else meanwhile (now version %(now)d, you "
              "saw %(seen)d). Reload it and try again.")
            % {"now": locked.version, "seen": expected_version},
            version=locked.version)
    return locked, case


def case_move(*, case: Case, transition: Transition, actor: User | None, now: datetime,
              payload: dict[str, Any] | None = None, **fields: Any) -> Case:
    """Apply a checked transition to a locked case, bump its version, record the event."""
    from_status = case.status
    case.status = transition.target_for(from_status)
    for name, value in fields.items():
        setattr(case, name, value)
    case.version += 1
    case.updated_at = now
    case_save_changes(case)
    event = event_append(case=case, actor=actor, action=transition.action,
                         from_status=from_status, to_status=case.status, now=now,
                         payload=payload)
    if case.status != from_status:
        publish(CaseStatusChanged(case=case, from_status=from_status, to_status=case.status,
                                  event=event, at=now))
    return case


def assignment_move(*, assignment: Assignment, case: Case, transition: Transition,
                    actor: User | None, now: datetime, payload: dict[str, Any] | None = None,
                    save_case: bool = True, **fields: Any) -> Assignment:
    """Apply a checked transition to a locked assignment; the event goes on its case.
    `save_case=False`: the caller moves the case next, and that save carries the bump."""
    from_status = assignment.status
    assignment.status = transition.target_for(from_status)
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.version += 1
    assignment_save_changes(assignment)
    event_append(case=case, actor=actor, action=transition.action, from_status=from_status,
                 to_status=assignment.status, now=now,
                 payload={"assignment": assignment.pk, "department": assignment.department.code,
                          **(payload or {})})
    case.version += 1
    case.updated_at = now
    if save_case:
        case_save_changes(case)
    return assignment


def case_number_next(now: datetime) -> str:
    day = timezone.localdate(now)
    table = CaseNumberCounter._meta.db_table
    # One statement on both databases: it creates the day's row or takes its lock and bumps
    # it, so concurrent reporters queue on the row and each reads back its own value.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) ON CONFLICT (day) DO UPDATE "
            f"SET last = {table}.last + 1 RETURNING last",
            [connection.ops.adapt_datefield_value(day)])
        last = cursor.fetchone()[0]
    return f"HY-{day:%Y%m%d}-{last:06d}"


def units_of(unit: OrgUnit) -> dict[str, OrgUnit]:
    """The unit and each of its ancestors, keyed by level."""
    # Without the polygons: a case needs its units' ids, not their outlines.
    chain = {**unit_ancestors(unit), unit.level: unit}
    return chain


def matter_type_for(case: Case, code: str | None, now: datetime) -> MatterType | None:
    if not code:
        return None
    matter = matter_type_in_force(county=case.county, code=code, on=timezone.localdate(now))
    if matter is None:
        raise ValidationFailed(
            _("Unknown matter type %(code)s: it is not in the catalogue in force.")
            % {"code": code}, field="matter_type")
    return matter


def colour_for(matter: MatterType, *, urgent: bool, sensitive: bool) -> str:
    """A case's colour: its type's colour, raised one step when urgent beyond its type or
    stability-sensitive (涉稳), never lowered."""
    ladder = sorted(COLOUR_SEVERITY, key=COLOUR_SEVERITY.get)  # green … red
    index = ladder.index(Colour(matter.colour))
    if sensitive or (urgent and not matter.urgent):
        index = min(index + 1, len(ladder) - 1)
    return ladder[index]


def level_of_reporter(actor: User | None, case: Case) -> str:
    if actor is None:
        return CaseLevel.COUNTY
    levels = {p.unit.level for p in places_of(actor) if p.unit is not None
              and p.department_id is None}
    for level, case_level in ((Level.GRID, CaseLevel.GRID), (Level.UNIT, CaseLevel.GRID),
                              (Level.CELL, CaseLevel.GRID),
                              (Level.COMMUNITY, CaseLevel.COMMUNITY),
                              (Level.TOWN, CaseLevel.TOWN)):
        if level in levels:
            return case_level
    return CaseLevel.COUNTY


def current_assignments(case: Case) -> list[Assignment]:
    return list(case.assignments.filter(cycle=case.cycle).select_related("department"))


# ---------------------------------------------------------------------------------------
# intake and the three-level response


def case_report(*, actor: User | None, county: OrgUnit, channel: str, title: str,
                description: str, now: datetime, reporter_name: str = "",
                reporter_phone: str = "", reporter_id_number: str = "", address: str = "",
                longitude: float | None = None, latitude: float | None = None,
                unit: OrgUnit | None = None, external_ref: str = "", urgent: bool = False,
                sensitive: bool = False, source_system: str | None = None) -> Case:
    """Take in a report from any channel; see `case_intake` (this answers only the case)."""
    case, _created = case_intake(
        actor=actor, county=county, channel=channel, title=title, description=description,
        now=now, reporter_name=reporter_name, reporter_phone=reporter_phone,
        reporter_id_number=reporter_id_number, address=address, longitude=longitude,
        latitude=latitude, unit=unit, external_ref=external_ref, urgent=urgent,
        sensitive=sensitive, source_system=source_system)
    return case


def case_intake(*, actor: User | None, county: OrgUnit, channel: str, title: str,
                description: str, now: datetime, reporter_name: str = "",
                reporter_phone: str = "", reporter_id_number: str = "", address: str = "",
                longitude: float | None = None, latitude: float | None = None,
                unit: OrgUnit | None = None, external_ref: str = "", urgent: bool = False,
                sensitive: bool = False, source_system: str | None = None,
                classification: dict[str, Any] | None = None) -> tuple[Case, bool]:
    """Take in a report from any channel and say whether it made a new case.

    With an external reference the report is idempotent per (channel, source system,
    external reference), the source system defaulting to the caller's username: the same
    payload again answers the first case and records nothing; a different payload under
    the same key is an `IntakeConflict` (409). Two source systems never share a key.
    `classification` (the matter the report is registered under, its photos' hashes) is
    part of the payload compared, though the steps that use it follow in the flow."""
    fields = validation.report_fields(
        channel=channel, title=title, description=description, reporter_name=reporter_name,
        reporter_phone=reporter_phone, reporter_id_number=reporter_id_number, address=address,
        longitude=longitude, latitude=latitude, external_ref=external_ref)
    if not fields["external_ref"]:
        with transaction.atomic():
            return _case_report(actor=actor, county=county, unit=unit, urgent=urgent,
                                sensitive=sensitive, now=now, fields=fields), True
    source = validation.text(
        source_system if source_system is not None else (actor.username if actor else ""),
        field="source_system", label=_("The source system"), max_length=64, required=False)
    key = {"channel": fields["channel"], "source_system": source,
           "external_id": fields["external_ref"]}
    digest = _payload_sha256(county=county, unit=unit, urgent=urgent, sensitive=sensitive,
                             fields={**fields, **(classification or {})})
    # No look-up first: a new report is the common case, and the unique key of the intake
    # records answers whether it is one (a retry's work is rolled back with its case).
    try:
        with transaction.atomic():
            case = _case_report(actor=actor, county=county, unit=unit, urgent=urgent,
                                sensitive=sensitive, now=now, fields=fields)
            IntakeRecord.objects.create(**key, payload_sha256=digest, case=case,
                                        received_at=now)
            return case, True
    except IntegrityError:
        # Taken before, or by another worker meanwhile: answer as a retry.
        record = IntakeRecord.objects.filter(**key).select_related("case").first()
        if record is None:
            raise
        return _intake_answer(record, digest), False


def _payload_sha256(*, county: OrgUnit, unit: OrgUnit | None, urgent: bool, sensitive: bool,
                    fields: dict[str, Any]) -> str:
    payload = {**fields, "county": county.code, "unit": unit.code if unit else None,
               "urgent": bool(urgent), "sensitive": bool(sensitive)}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _intake_answer(record: IntakeRecord, digest: str) -> Case:
    # Records carried over from before the registry have no hash: answered as retries.
    if record.payload_sha256 and record.payload_sha256 != digest:
        raise IntakeConflict(
            _("The external id %(id)s was already taken in as case %(case)s with different "
              "content.") % {"id": record.external_id, "case": record.case.number},
            case=record.case.number, first_sha256=record.payload_sha256, this_sha256=digest)
    return record.case


def _case_report(*, actor: User | None, county: OrgUnit, unit: OrgUnit | None, urgent: bool,
                 sensitive: bool, now: datetime, fields: dict[str, Any]) -> Case:
    if county.level != Level.COUNTY:
        raise ValidationFailed(_("The case must belong to a county."), field="county")
    if unit is None and fields["longitude"] is not None:
        unit = locating.locate(county, fields["longitude"], fields["latitude"])
        if unit is None:
            raise ValidationFailed(
                _("The reported location lies outside every grid of %(county)s.")
                % {"county": county.name}, field="location")
    case = Case(county=county, reported_by=actor, reported_at=now, updated_at=now,
                urgent=urgent, sensitive=sensitive, **fields)
    if unit is not None:
        case_locate(case, unit)
    transition = CASE.check("", "report", actor=actor, case=case)
    case.level = level_of_reporter(actor, case)
    case.status = transition.target_for("")
    case.number = case_number_next(now)
    case.save()
    event = event_append(case=case, actor=actor, action="report", from_status="",
                         to_status=case.status, now=now, first=True,
                         payload={"channel": case.channel, "external_ref": case.external_ref,
                                  "unit": unit.code if unit else None})
    publish(CaseReported(case=case, event=event, at=now))
    return case


@transaction.atomic
def case_locate_by_text(*, case: Case, unit: OrgUnit, words: Sequence[str],
                        confidence: float, now: datetime, actor: User | None = None
                        ) -> CaseEvent:
    """Locate a case that has no unit yet by the place names of its words (the
    gazetteer's finding), recording what was matched and how sure it is. `case` is the
    row the report holds locked."""
    if case.unit_id is not None:
        raise ValidationFailed(_("The case is already located."), field="unit")
    case_locate(case, unit)
    case.version += 1
    case.updated_at = now
    case.save(update_fields=["unit", "town", "community", "grid", "version", "updated_at"])
    return event_append(case=case, actor=actor, action="locate", from_status=case.status,
                        to_status=case.status, now=now,
                        payload={"unit": unit.code, "words": list(words),
                                 "confidence": confidence, "source": "text"})


@transaction.atomic
def case_note_location_conflict(*, case: Case, text_unit: OrgUnit, words: Sequence[str],
                                now: datetime, actor: User | None = None) -> CaseEvent:
    """Put on the case's record that its words name another place than its point (the
    point keeps the case where it is)."""
    return event_append(case=case, actor=actor, action="locate_conflict",
                        from_status=case.status, to_status=case.status, now=now,
                        payload={"unit": case.unit.code if case.unit else None,
                                 "text_unit": text_unit.code, "words": list(words)})


def case_locate(case: Case, unit: OrgUnit) -> None:
    chain = units_of(unit)
    county = chain.get(Level.COUNTY)
    if county is None or county.pk != case.county_id:
        raise ValidationFailed(
            _("The unit %(unit)s does not belong to the case's county.") % {"unit": unit.name},
            field="unit")
    case.unit = unit
    case.town = chain.get(Level.TOWN)
    case.community = chain.get(Level.COMMUNITY)
    case.grid = chain.get(Level.GRID)


@transaction.atomic
def case_flag_sensitive(*, case: Case, actor: User | None, now: datetime,
                        payload: dict[str, Any]) -> Case:
    """Mark a case stability-sensitive (涉稳) with what flagged it (the lexicon's rules and
    words); a registered case's colour rises one step above its type's. The caller's
    instance is updated in place, so the report that is being taken in stays current."""
    case_lock(case, expected_version=case.version)
    case.sensitive = True
    if case.matter_type_id is not None:
        raised = colour_for(case.matter_type, urgent=case.urgent, sensitive=True)
        if not case.colour or COLOUR_SEVERITY[Colour(raised)] > COLOUR_SEVERITY[
                Colour(case.colour)]:
            case.colour = raised
    case.version += 1
    case.updated_at = now
    case.save()
    event_append(case=case, actor=actor, action="flag_sensitive", from_status=case.status,
                 to_status=case.status, now=now, payload=payload)
    return case


@transaction.atomic
def case_register(*, case: Case, actor: User | None, now: datetime, matter_code: str | None = None,
                  unit: OrgUnit | None = None, expected_version: int | None = None,
                  provenance: dict[str, Any] | None = None) -> Case:
    """Locate and classify a report (立案). `provenance` joins the event's payload when the
    system decided the classification (smart dispatch: `{"automatic": True, …}`)."""
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "register", actor=actor, case=case)
    if unit is not None:
        case_locate(case, unit)
    if case.unit_id is None:
        raise ValidationFailed(_("Locate the case on the map or choose its grid first."),
                               field="unit")
    matter = matter_type_for(case, matter_code, now) or case.matter_type
    if matter is None:
        raise ValidationFailed(_("Choose the matter type first."), field="matter_type")
    if level_of_reporter(actor, case) == CaseLevel.GRID:
        # A grid worker registers only what the grid admission list admits (网格准入).
        rules.ensure_grid_admission(county=case.county, matter_code=matter.code,
                                    on=timezone.localdate(now))
    urgent = case.urgent or matter.urgent
    return case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"matter_type": matter.code, "unit": case.unit.code,
                              **(provenance or {})},
                     matter_type=matter, urgent=urgent,
                     colour=colour_for(matter, urgent=urgent, sensitive=case.sensitive))


@transaction.atomic
def case_reject(*, case: Case, actor: User, reason: str, now: datetime,
                expected_version: int | None = None) -> Case:
    reason = validation.reason(reason)
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "reject", actor=actor, case=case)
    return case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"reason": reason}, status_reason=reason, closed_at=now)


@transaction.atomic
def case_merge(*, case: Case, into: Case, actor: User | None, now: datetime,
               expected_version: int | None = None,
               automatic_score: float | None = None) -> Case:
    """Merge a duplicate report into the case that carries on (重复吹哨/重复交办). The
    system (`actor=None`) merges only with the duplicate score that decided it, recorded
    in the event as `"automatic": true, "score": …`."""
    if actor is None and automatic_score is None:
        raise ValidationFailed(_("An automatic merge needs the score that decided it."),
                               field="score")
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "merge", actor=actor, case=case)
    target = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=into.pk)
    if not actor_may(actor, transition, case=target):
        raise PermissionDenied(_("You may not merge into case %(number)s.")
                               % {"number": target.number}, field="into")
    if target.pk == case.pk or target.county_id != case.county_id:
        raise ValidationFailed(_("A case can only be merged into another case of its county."),
                               field="into")
    if target.status in WITHDRAWN_CASE:
        raise ValidationFailed(_("Case %(number)s is itself closed as rejected or merged.")
                               % {"number": target.number}, field="into")
    payload: dict[str, Any] = {"into": target.number}
    if automatic_score is not None:
        payload |= {"automatic": True, "score": round(automatic_score, 4)}
    return case_move(case=case, transition=transition, actor=actor, now=now,
                     payload=payload, merged_into=target, closed_at=now)


@transaction.atomic
def case_handle_locally(*, case: Case, actor: User, now: datetime,
                        expected_version: int | None = None) -> Case:
    """The grid, community or town takes the case on itself (能办的自己办)."""
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "handle_locally", actor=actor, case=case)
    # The level is that of who takes it on; the centre hands hotline reports to the town.
    level = level_of_reporter(actor, case)
    if level == CaseLevel.COUNTY:
        level = CaseLevel.TOWN
    if level == CaseLevel.GRID:
        rules.ensure_grid_admission(county=case.county, matter_code=case.matter_type.code,
                                    on=timezone.localdate(now))
    return case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"level": level}, level=level)


@transaction.atomic
def case_resolve_locally(*, case: Case, actor: User, result: str, now: datetime,
                         expected_version: int | None = None) -> Case:
    result = validation.text(result, field="result", label=_("result"))
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "resolve_locally", actor=actor, case=case)
    return case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"result": result, "level": case.level}, status_reason=result,
                     closed_at=now)


@transaction.atomic
def case_escalate(*, case: Case, actor: User, reason: str, now: datetime,
                  expected_version: int | None = None) -> Case:
    """Hand a locally handled case one level up: grid → community → town."""
    reason = validation.reason(reason)
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "escalate", actor=actor, case=case)
    index = LEVEL_ORDER.index(CaseLevel(case.level))
    target = LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None
    if target == CaseLevel.COMMUNITY and case.community_id is None:
        target = CaseLevel.TOWN
    if target is None or target == CaseLevel.COUNTY:
        raise ValidationFailed(
            _("The town is the highest local level: call the county instead (吹哨)."),
            field="level")
    return case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"from_level": case.level, "to_level": target, "reason": reason},
                     level=target)


def case_call(*, case: Case, actor: User, reason: str, now: datetime,
              expected_version: int | None = None) -> Case:
    """The town calls the county (吹哨/呼叫). A matter the lists keep with the town is refused
    with the list and item named, and the refusal is recorded on the case."""
    reason = validation.reason(reason)
    try:
        with transaction.atomic():
            case = case_lock(case, expected_version)
            transition = CASE.check(case.status, "call", actor=actor, case=case)
            if case.matter_type is None:
                raise ValidationFailed(_("Choose the matter type before calling."),
                                       field="matter_type")
            rules.ensure_may_call(county=case.county, matter_code=case.matter_type.code,
                                  on=timezone.localdate(now))
            case = case_move(case=case, transition=transition, actor=actor, now=now,
                             payload={"reason": reason}, level=CaseLevel.TOWN,
                             called_by=actor, status_reason=reason)
            publish(CaseCalled(case=case, at=now))
            return case
    except NotOnList as refusal:
        record_refusal(case=case, actor=actor, action="call", refusal=refusal, now=now)
        raise


@transaction.atomic
def record_refusal(*, case: Case, actor: User | None, action: str, refusal: NotOnList,
                   now: datetime) -> None:
    """Keep a list refusal on the record (the refused action itself changed nothing)."""
    case = case_lock(case)
    event_append(case=case, actor=actor, action="refused", from_status=case.status,
                 to_status=case.status, now=now,
                 payload={"refused_action": action, "code": refusal.code,
                          "message": refusal.message, **refusal.details})


@transaction.atomic
def case_call_approve(*, case: Case, actor: User, now: datetime, comment: str = "",
                      expected_version: int | None = None) -> Case:
    """The town reviewer approves the call ("呼叫不是乱呼"); it reaches the command centre."""
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "call_approve", actor=actor, case=case)
    case = case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"comment": comment}, level=CaseLevel.COUNTY)
    publish(CaseCallApproved(case=case, at=now))
    return case


@transaction.atomic
def case_call_deny(*, case: Case, actor: User, reason: str, now: datetime,
                   expected_version: int | None = None) -> Case:
    reason = validation.reason(reason)
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "call_deny", actor=actor, case=case)
    return case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"reason": reason}, status_reason=reason, level=CaseLevel.TOWN)


# ---------------------------------------------------------------------------------------
# the command centre


@transaction.atomic
def case_triage(*, case: Case, actor: User, now: datetime, matter_code: str | None = None,
                colour: str | None = None, urgent: bool | None = None,
                sensitive: bool | None = None, expected_version: int | None = None) -> Case:
    """The centre confirms type, urgency, sensitivity and colour (研判)."""
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "triage", actor=actor, case=case)
    matter = matter_type_for(case, matter_code, now) or case.matter_type
    if matter is None:
        raise ValidationFailed(_("Choose the matter type first."), field="matter_type")
    urgent = case.urgent if urgent is None else urgent
    sensitive = case.sensitive if sensitive is None else sensitive
    derived = colour_for(matter, urgent=urgent, sensitive=sensitive)
    if colour:
        if colour not in Colour.values:
            raise ValidationFailed(_("Unknown colour %(colour)s.") % {"colour": colour},
                                   field="colour")
        if COLOUR_SEVERITY[Colour(colour)] < COLOUR_SEVERITY[Colour(derived)]:
            raise ValidationFailed(
                _("The colour may be raised above the matter type's, not lowered below it."),
                field="colour")
    colour = colour or derived
    return case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"matter_type": matter.code, "colour": colour, "urgent": urgent,
                              "sensitive": sensitive},
                     matter_type=matter, colour=colour, urgent=urgent, sensitive=sensitive)


@transaction.atomic
def case_send_back(*, case: Case, actor: User, reason: str, now: datetime,
                   expected_version: int | None = None) -> Case:
    """The centre returns a call to the town with a reason (e.g. it is a town duty)."""
    reason = validation.reason(reason)
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "send_back", actor=actor, case=case)
    if case.town_id is None:
        raise ValidationFailed(_("The case is not located in a town to send it back to."),
                               field="unit")
    return case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"reason": reason}, status_reason=reason, level=CaseLevel.TOWN)


def departments_validate(case: Case, lead: Department, co: Sequence[Department]) -> None:
    chosen = [lead, *co]
    if len({d.pk for d in chosen}) != len(chosen):
        raise ValidationFailed(_("Each department may be named only once."), field="co")
    for department in chosen:
        if department_takes_work(department, case):
            continue
        if not department.active or department.kind == DepartmentKind.CENTRE:
            raise ValidationFailed(
                _("%(department)s cannot take assignments.") % {"department": department},
                field="lead")
        raise ValidationFailed(
            _("%(department)s does not serve this case's area.") % {"department": department},
            field="lead")


@transaction.atomic
def case_dispatch(*, case: Case, actor: User, lead: Department, now: datetime,
                  co: Sequence[Department] = (), joint: bool = False, instructions: str = "",
                  expected_version: int | None = None,
                  provenance: dict[str, Any] | None = None) -> list[Assignment]:
    """Send a triaged case to its lead department and co-handlers (派单), starting a new
    handling cycle. With `joint`, the co-handlers are enforcement teams whose work the lead
    combines into one reply (联合执法). `provenance` joins the event's payload when the
    system dispatches (smart dispatch: `{"automatic": True, "confidence": …}`)."""
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "dispatch", actor=actor, case=case)
    if case.matter_type is None:
        raise ValidationFailed(_("Triage the case (choose its matter type) before dispatch."),
                               field="matter_type")
    rules.ensure_not_town_duty(county=case.county, matter_code=case.matter_type.code,
                               on=timezone.localdate(now))
    departments_validate(case, lead, co)
    if joint and not co:
        raise ValidationFailed(_("Joint enforcement needs at least one more team."), field="co")
    cycle = case.cycle + 1
    assignments = [
        Assignment.objects.create(case=case, department=department, role=role, cycle=cycle,
                                  dispatched_at=now, dispatched_by=actor,
                                  instructions=instructions)
        for department, role in [(lead, AssignmentRole.LEAD),
                                 *((c, AssignmentRole.CO) for c in co)]]
    case_move(case=case, transition=transition, actor=actor, now=now,
              payload={"lead": lead.code, "co": [c.code for c in co], "joint": joint,
                       "cycle": cycle, "instructions": instructions, **(provenance or {})},
              cycle=cycle, level=CaseLevel.COUNTY, joint_enforcement=joint,
              dispatched_at=case.dispatched_at or now, replied_at=None, evaluation_due_at=None)
    publish(AssignmentsOpened(assignments=tuple(assignments), at=now))
    return assignments


# ---------------------------------------------------------------------------------------
# departments


@transaction.atomic
def assignment_sign(*, assignment: Assignment, actor: User, now: datetime,
                    expected_version: int | None = None) -> Assignment:
    """The department signs for the assignment (签收)."""
    assignment, case = assignment_lock(assignment, expected_version)
    transition = ASSIGNMENT.check(assignment.status, "sign", actor=actor, case=case,
                                  assignment=assignment)
    assignment = assignment_move(assignment=assignment, case=case, transition=transition,
                                 actor=actor, now=now, signed_at=now, signed_by=actor)
    publish(AssignmentSigned(assignment=assignment, at=now))
    return assignment


@transaction.atomic
def assignment_progress(*, assignment: Assignment, actor: User, note: str, now: datetime,
                        expected_version: int | None = None) -> Assignment:
    """The department reports its first action or a progress step (响应): contact made, site
    visited, work under way. The first one answers the response clock."""
    note = validation.text(note, field="note", label=_("The progress note"), max_length=2000)
    assignment, case = assignment_lock(assignment, expected_version)
    transition = ASSIGNMENT.check(assignment.status, "progress", actor=actor, case=case,
                                  assignment=assignment)
    assignment = assignment_move(assignment=assignment, case=case, transition=transition,
                                 actor=actor, now=now, payload={"note": note})
    publish(AssignmentResponded(assignment=assignment, at=now))
    return assignment


@transaction.atomic
def assignment_reply(*, assignment: Assignment, actor: User, result: str, now: datetime,
                     expected_version: int | None = None) -> Assignment:
    """The department replies with its result (反馈/办结). When every lead assignment of the
    cycle has replied, the case waits for the initiator's evaluation."""
    result = validation.text(result, field="result", label=_("result"))
    assignment, case = assignment_lock(assignment, expected_version)
    transition = ASSIGNMENT.check(assignment.status, "reply", actor=actor, case=case,
                                  assignment=assignment)
    cycle = [a for a in current_assignments(case) if a.pk != assignment.pk]
    if case.joint_enforcement and assignment.role == AssignmentRole.LEAD:
        waiting = [a.department.name for a in cycle
                   if a.role == AssignmentRole.CO and a.status in ASSIGNMENT_OPEN]
        if waiting:
            raise ValidationFailed(
                _("Joint enforcement: wait for the replies of %(teams)s, then reply once for "
                  "all.") % {"teams": "、".join(waiting)}, field="result")
    all_replied = assignment.role == AssignmentRole.LEAD and not any(
        a.role == AssignmentRole.LEAD and a.status in ASSIGNMENT_OPEN for a in cycle)
    assignment = assignment_move(assignment=assignment, case=case, transition=transition,
                                 actor=actor, now=now, payload={"result": result},
                                 replied_at=now, replied_by=actor, result=result,
                                 save_case=not all_replied)
    publish(AssignmentReplied(assignment=assignment, at=now))
    if all_replied:
        case_move(case=case, transition=CASE["all_replied"], actor=None, now=now,
                  payload={"cycle": case.cycle}, replied_at=now,
                  evaluation_due_at=evaluation_due(now))
        publish(CaseReplied(case=case, at=now))
    return assignment


@transaction.atomic
def assignment_request_return(*, assignment: Assignment, actor: User, reason: str,
                              now: datetime, to_town: bool = False,
                              expected_version: int | None = None) -> Assignment:
    """The department asks to give the assignment back (退办). Asking to push it down to the
    town is only possible for matters on the town duty list (职责准入)."""
    reason = validation.reason(reason)
    assignment, case = assignment_lock(assignment, expected_version)
    transition = ASSIGNMENT.check(assignment.status, "request_return", actor=actor, case=case,
                                  assignment=assignment)
    if to_town:
        rules.ensure_town_duty(county=case.county, matter_code=case.matter_type.code,
                               on=timezone.localdate(now))
    assignment = assignment_move(assignment=assignment, case=case, transition=transition,
                                 actor=actor, now=now,
                                 payload={"reason": reason, "to_town": to_town},
                                 return_reason=reason)
    publish(ReturnRequested(assignment=assignment, at=now))
    return assignment


@transaction.atomic
def assignment_decide_return(*, assignment: Assignment, actor: User, approve: bool,
                             now: datetime, note: str = "",
                             redispatch_to: Department | None = None,
                             expected_version: int | None = None) -> Assignment:
    """The centre decides a return request. Approved: the assignment ends, and a lead's case
    goes to the department named in `redispatch_to` or back to triage. Denied: the department
    must handle it (the trust principle: refusing without cause is shirking)."""
    assignment, case = assignment_lock(assignment, expected_version)
    action = "approve_return" if approve else "deny_return"
    transition = ASSIGNMENT.check(assignment.status, action, actor=actor, case=case,
                                  assignment=assignment)
    if not approve:
        note = validation.reason(note)
    if redispatch_to is not None and (not approve or assignment.role != AssignmentRole.LEAD):
        raise ValidationFailed(_("Only an approved return of the lead can be redispatched."),
                               field="redispatch_to")
    fields = {} if approve else {"status": AssignmentStatus.SIGNED if assignment.signed_at
                                  else AssignmentStatus.PENDING}
    assignment = assignment_move(
        assignment=assignment, case=case, transition=transition, actor=actor, now=now,
        payload={"note": note, "redispatch_to": redispatch_to.code if redispatch_to else None},
        **fields)
    publish(ReturnApproved(assignment=assignment, at=now) if approve
            else ReturnDenied(assignment=assignment, at=now))
    if not approve or assignment.role != AssignmentRole.LEAD:
        return assignment
    others = [a for a in current_assignments(case) if a.pk != assignment.pk]
    if redispatch_to is not None:
        assignment_redispatch(case=case, returned=assignment, department=redispatch_to,
                              others=others, actor=actor, now=now)
        return assignment
    for other in others:
        if other.status in ASSIGNMENT_OPEN:
            assignment_move(assignment=other, case=case, transition=ASSIGNMENT["cancel"],
                            actor=None, now=now, payload={"reason": "lead returned"})
            publish(AssignmentCancelled(assignment=other, at=now))
    case_move(case=case, transition=CASE["return_to_triage"], actor=None, now=now,
              payload={"returned_by": assignment.department.code})
    return assignment


def assignment_redispatch(*, case: Case, returned: Assignment, department: Department,
                          others: list[Assignment], actor: User, now: datetime) -> None:
    """Give the lead to another department (改派). A co-handler already on the case is
    promoted to lead; any other department gets a new lead assignment with fresh clocks."""
    open_co = {a.department_id: a for a in others
               if a.role == AssignmentRole.CO and a.status in ASSIGNMENT_OPEN}
    promoted = open_co.get(department.pk)
    if promoted is not None:
        promoted.role = AssignmentRole.LEAD
        promoted.version += 1
        promoted.save(update_fields=["role", "version"])
        target = promoted
    else:
        departments_validate(case, department, [a.department for a in open_co.values()])
        target = Assignment.objects.create(case=case, department=department,
                                           role=AssignmentRole.LEAD, cycle=case.cycle,
                                           dispatched_at=now, dispatched_by=actor,
                                           instructions=returned.instructions)
        publish(AssignmentsOpened(assignments=(target,), at=now))
    event_append(case=case, actor=actor, action="redispatch", from_status=case.status,
                 to_status=case.status, now=now,
                 payload={"lead": department.code, "assignment": target.pk,
                          "promoted": promoted is not None, "returned": returned.pk})


@transaction.atomic
def assignment_request_extension(*, assignment: Assignment, actor: User, extra_days: int,
                                 reason: str, now: datetime,
                                 expected_version: int | None = None) -> ExtensionRequest:
    """The department asks for more working days (延期)."""
    reason = validation.reason(reason)
    if not isinstance(extra_days, int) or not 1 <= extra_days <= 60:
        raise ValidationFailed(_("An extension is 1 to 60 working days."), field="extra_days")
    assignment, case = assignment_lock(assignment, expected_version)
    transition = ASSIGNMENT.check(assignment.status, "request_extension", actor=actor,
                                  case=case, assignment=assignment)
    request = ExtensionRequest.objects.create(assignment=assignment, reason=reason,
                                              extra_days=extra_days, requested_by=actor,
                                              requested_at=now)
    assignment_move(assignment=assignment, case=case, transition=transition, actor=actor,
                    now=now, payload={"request": request.pk, "extra_days": extra_days,
                                      "reason": reason})
    publish(ExtensionRequested(assignment=assignment, at=now))
    return request


@transaction.atomic
def assignment_decide_extension(*, request: ExtensionRequest, actor: User, approve: bool,
                                now: datetime, note: str = "",
                                expected_version: int | None = None) -> ExtensionRequest:
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    assignment, case = assignment_lock(request.assignment, expected_version)
    transition = ASSIGNMENT.check(assignment.status, "decide_extension", actor=actor,
                                  case=case, assignment=assignment)
    if request.status != RequestStatus.PENDING:
        raise ValidationFailed(_("This extension request has already been decided."),
                               field="request")
    if not approve:
        note = validation.reason(note)
    request.status = RequestStatus.APPROVED if approve else RequestStatus.DENIED
    request.decided_by, request.decided_at, request.decision_note = actor, now, note
    request.save()
    assignment_move(assignment=assignment, case=case, transition=transition, actor=actor,
                    now=now, payload={"request": request.pk, "approved": approve,
                                      "extra_days": request.extra_days, "note": note})
    if approve:
        publish(ExtensionApproved(assignment=assignment, extra_days=request.extra_days,
                                  at=now))
    return request


@transaction.atomic
def case_suspend(*, case: Case, actor: User, reason: str, now: datetime,
                 expected_version: int | None = None) -> Case:
    """The centre approves hanging a case (挂账): its clocks pause until it is resumed."""
    reason = validation.reason(reason)
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "suspend", actor=actor, case=case)
    case = case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"reason": reason}, suspended_at=now, status_reason=reason)
    publish(CaseSuspended(case=case, at=now))
    return case


@transaction.atomic
def case_resume(*, case: Case, actor: User, now: datetime,
                expected_version: int | None = None) -> Case:
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "resume", actor=actor, case=case)
    suspended_at = case.suspended_at
    case = case_move(case=case, transition=transition, actor=actor, now=now,
                     payload={"suspended_at": suspended_at}, suspended_at=None)
    publish(CaseResumed(case=case, suspended_at=suspended_at, at=now))
    return case


# ---------------------------------------------------------------------------------------
# evaluation


@transaction.atomic
def case_evaluate(*, case: Case, actor: User, stars: int, rating: str, now: datetime,
                  comment: str = "", reopen_lead: Department | None = None,
                  reopen_co: Sequence[Department] | None = None,
                  expected_version: int | None = None) -> Evaluation:
    """The initiator judges the reply (评价). Satisfied in any degree closes the case;
    unsatisfied reopens it (重办) to the same departments or to those named."""
    stars, rating, comment = validation.evaluation(stars=stars, rating=rating, comment=comment)
    case = case_lock(case, expected_version)
    action = "close" if rating in SATISFIED_RATINGS else "reopen"
    transition = CASE.check(case.status, action, actor=actor, case=case)
    evaluation = Evaluation.objects.create(case=case, cycle=case.cycle, stars=stars,
                                           rating=rating, comment=comment, evaluated_by=actor,
                                           evaluated_at=now)
    payload = {"stars": stars, "rating": rating, "comment": comment, "cycle": case.cycle}
    if action == "close":
        case_close_leftovers(case=case, now=now)
        case_move(case=case, transition=transition, actor=actor, now=now, payload=payload,
                  closed_at=now, evaluation_due_at=None)
        publish(CaseEvaluated(case=case, evaluation=evaluation, at=now))
        return evaluation
    previous = current_assignments(case)
    lead = reopen_lead or next(a.department for a in previous if a.role == AssignmentRole.LEAD)
    co = list(reopen_co) if reopen_co is not None else [
        a.department for a in previous if a.role == AssignmentRole.CO and a.department != lead]
    departments_validate(case, lead, co)
    case_close_leftovers(case=case, now=now)
    cycle = case.cycle + 1
    assignments = [
        Assignment.objects.create(case=case, department=department, role=role, cycle=cycle,
                                  dispatched_at=now, dispatched_by=actor,
                                  instructions=comment)
        for department, role in [(lead, AssignmentRole.LEAD),
                                 *((c, AssignmentRole.CO) for c in co)]]
    case_move(case=case, transition=transition, actor=actor, now=now,
              payload={**payload, "lead": lead.code, "co": [c.code for c in co],
                       "new_cycle": cycle},
              cycle=cycle, replied_at=None, evaluation_due_at=None)
    publish(CaseEvaluated(case=case, evaluation=evaluation, at=now))
    publish(AssignmentsOpened(assignments=tuple(assignments), at=now))
    return evaluation


def case_close_leftovers(*, case: Case, now: datetime) -> None:
    """Co-handler assignments still open when the cycle ends are cancelled, on the record."""
    for assignment in current_assignments(case):
        if assignment.status in ASSIGNMENT_OPEN:
            assignment_move(assignment=assignment, case=case, transition=ASSIGNMENT["cancel"],
                            actor=None, now=now, payload={"reason": "cycle ended"})
            publish(AssignmentCancelled(assignment=assignment, at=now))


@transaction.atomic
def case_autoclose(*, case: Case, now: datetime) -> Case | None:
    """Close a replied case whose evaluation window lapsed, recording a default "satisfied"
    evaluation as the field practice does (逾期未评价视为满意). Returns None when the case
    is no longer due (someone evaluated it meanwhile)."""
    case = case_lock(case)
    if case.status != CaseStatus.REPLIED or not case.evaluation_due_at or (
            case.evaluation_due_at > now):
        return None
    transition = CASE.check(case.status, "autoclose", actor=None, case=case)
    # No comment is stored: `Evaluation.comment_text` renders the note when read.
    evaluation = Evaluation.objects.create(case=case, cycle=case.cycle, stars=4,
                                           rating=Rating.SATISFIED, automatic=True,
                                           evaluated_at=now)
    case_close_leftovers(case=case, now=now)
    case = case_move(case=case, transition=transition, actor=None, now=now,
                     payload={"rating": evaluation.rating, "automatic": True},
                     closed_at=now, evaluation_due_at=None)
    publish(CaseEvaluated(case=case, evaluation=evaluation, at=now))
    return case


# ---------------------------------------------------------------------------------------
# rally calls (集结号)


@transaction.atomic
def case_rally(*, case: Case, actor: User, need: str, points: int, now: datetime,
               expected_version: int | None = None) -> RallyCall:
    """The town sounds a rally call to volunteer teams for a need beyond government duty."""
    need = validation.text(need, field="need", label=_("need"))
    if not isinstance(points, int) or not 1 <= points <= 100:
        raise ValidationFailed(_("Credit points are 1 to 100 per volunteer."), field="points")
    case = case_lock(case, expected_version)
    transition = CASE.check(case.status, "rally", actor=actor, case=case)
    if case.town_id is None:
        raise ValidationFailed(_("The case is not located in a town."), field="unit")
    rally = RallyCall.objects.create(case=case, town_id=case.town_id, need=need, points=points,
                                     created_by=actor, created_at=now)
    case_move(case=case, transition=transition, actor=actor, now=now,
              payload={"rally": rally.pk, "need": need, "points": points})
    return rally


@transaction.atomic
def rally_claim(*, rally: RallyCall, actor: User, team: VolunteerTeam, now: datetime
                ) -> RallyCall:
    rally = RallyCall.objects.select_for_update().get(pk=rally.pk)
    case = case_lock(rally.case_id)
    transition = RALLY.check(rally.status, "claim", actor=actor, case=case, team_id=team.pk)
    rally.status = transition.target_for(rally.status)
    rally.team, rally.claimed_at = team, now
    rally.save()
    event_append(case=case, actor=actor, action="rally_claim", from_status=case.status,
                 to_status=case.status, now=now, payload={"rally": rally.pk, "team": team.name})
    return rally


@transaction.atomic
def rally_complete(*, rally: RallyCall, actor: User, participants: Sequence[User],
                   outcome: str, now: datetime) -> RallyCall:
    """The team reports the work done; each participating member earns the credit points."""
    outcome = validation.text(outcome, field="outcome", label=_("outcome"))
    rally = RallyCall.objects.select_for_update().get(pk=rally.pk)
    case = case_lock(rally.case_id)
    transition = RALLY.check(rally.status, "complete", actor=actor, case=case,
                             team_id=rally.team_id)
    members = set(rally.team.members.values_list("user_id", flat=True))
    ids = {u.pk for u in participants}
    if not ids:
        raise ValidationFailed(_("Name at least one participating volunteer."),
                               field="participants")
    if not ids <= members:
        raise ValidationFailed(_("Only members of the team can earn its credit points."),
                               field="participants")
    rally.status = transition.target_for(rally.status)
    rally.completed_at, rally.outcome = now, outcome
    rally.save()
    CreditEntry.objects.bulk_create([
        CreditEntry(user_id=uid, team_id=rally.team_id, rally=rally, points=rally.points, at=now)
        for uid in sorted(ids)])
    event_append(case=case, actor=actor, action="rally_complete", from_status=case.status,
                 to_status=case.status, now=now,
                 payload={"rally": rally.pk, "participants": sorted(ids), "outcome": outcome,
                          "points": rally.points})
    return rally

