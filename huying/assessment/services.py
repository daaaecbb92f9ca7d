"""Writes of the assessment: the deduction ledger (by hand of the supervision ladder, or
derived from the facts of a period) and appeals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from huying.assessment.models import (
    Appeal,
    AppealStatus,
    Deduction,
    DeductionStatus,
    Dimension,
    Scheme,
)
from huying.cases import access, validation
from huying.cases.access import may_decide_appeals
from huying.cases.models import Assignment, Case, Evaluation, Rating
from huying.cases.selectors import case_colour, evaluation_lead
from huying.common import memo
from huying.common.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from huying.common.messages import Message, as_message, message
from huying.org.models import Department, OrgUnit, User
from huying.supervision.models import ClockState, Metric, SlaClock

# Rule codes of the ledger and the dimension each belongs to. A rule not listed here (one
# the supervision ladder invents) is a handling matter.
SIGN_BREACH = "sign_breach"
RESPOND_BREACH = "respond_breach"
COMPLETE_BREACH = "complete_breach"
RATING_BASICALLY_SATISFIED = "rating_basically_satisfied"
RATING_UNSATISFIED = "rating_unsatisfied"

RULE_DIMENSION = {
    SIGN_BREACH: Dimension.SIGNING,
    RESPOND_BREACH: Dimension.HANDLING,
    COMPLETE_BREACH: Dimension.HANDLING,
    RATING_BASICALLY_SATISFIED: Dimension.SATISFACTION,
    RATING_UNSATISFIED: Dimension.SATISFACTION,
}
BREACH_RULE = {Metric.SIGN: SIGN_BREACH, Metric.RESPOND: RESPOND_BREACH,
               Metric.COMPLETE: COMPLETE_BREACH}
RATING_RULE = {Rating.BASICALLY_SATISFIED: RATING_BASICALLY_SATISFIED,
               Rating.UNSATISFIED: RATING_UNSATISFIED}
CENT = Decimal("0.01")


def dimension_of(rule: str) -> str:
    return RULE_DIMENSION.get(rule, Dimension.HANDLING)


# ---------------------------------------------------------------------------------------
# the scheme


SCHEMES = "schemes"  # the memo group of the default scheme (every breach deducts under it)


def scheme_default() -> Scheme:
    """The default scheme, created with the Huangpu/Rongcheng values on first use;
    remembered (`common/memo.py`) until a scheme changes."""
    return memo.remembered(SCHEMES, "default", _scheme_default_load)


def _scheme_default_load() -> Scheme:
    scheme = Scheme.objects.filter(is_default=True).first()
    if scheme is not None:
        return scheme
    try:
        with transaction.atomic():
            # The name is a message key, so it reads in the reader's language.
            return Scheme.objects.create(name=message(gettext_noop("Three dimensions, 14 points")),
                                         is_default=True)
    except IntegrityError:  # another process created it meanwhile
        return Scheme.objects.get(is_default=True)


def rule_points(*, scheme: Scheme, rule: str, colour: str = "") -> Decimal:
    """The points a rule deducts on a case of `colour` under `scheme`: the rule's base points
    × the colour's weight. For a rule the scheme does not know, the late-completion points."""
    base = {SIGN_BREACH: scheme.sign_breach_points,
            RESPOND_BREACH: scheme.respond_breach_points,
            COMPLETE_BREACH: scheme.complete_breach_points,
            RATING_BASICALLY_SATISFIED: scheme.basically_satisfied_points,
            RATING_UNSATISFIED: scheme.unsatisfied_points}.get(rule,
                                                               scheme.complete_breach_points)
    return (base * scheme.colour_weight(colour)).quantize(CENT, rounding=ROUND_HALF_UP)


def breach_source_key(clock: SlaClock) -> str:
    """The ledger key of a clock's breach; the ladder and the derivation share it, so a breach
    deducts once whichever records it first."""
    return f"breach:{clock.metric}:{clock.pk}"


class RatingDeductionSource(NamedTuple):
    """Who loses points for an evaluation, under which ledger key, weighted by which colour."""

    lead: Assignment
    department: Department
    source_key: str
    colour: str


def evaluation_deduction_source(evaluation: Evaluation) -> RatingDeductionSource | None:
    """The rating deduction (评价扣分) of an evaluation: the lead answering for the evaluated
    cycle (`evaluation_lead`), the ledger key, and the case's colour (`case_colour`). The
    ladder, on evaluation, and the nightly derivation both take it from here, so the one
    fact is one ledger row with one weight whichever records it first. None when no lead
    answers for the cycle (every lead of it returned or cancelled)."""
    lead = evaluation_lead(evaluation)
    if lead is None:
        return None
    return RatingDeductionSource(
        lead=lead, department=lead.department,
        source_key=f"rating:{evaluation.rating}:{evaluation.pk}:{lead.department_id}",
        colour=case_colour(evaluation.case))


# ---------------------------------------------------------------------------------------
# the ledger


# No savepoint of its own: the one around the INSERT is all a concurrent writer needs.
@transaction.atomic(savepoint=False)
def deduction_record(*, department: Department, case: Case, rule: str, points: Decimal,
                     reason: Message | str, now: datetime, source_key: str, colour: str = "",
                     occurred_at: datetime | None = None) -> Deduction:
    """Enter a deduction in the ledger, once per `source_key`: recording the same source
    again returns the existing entry unchanged (even a withdrawn one)."""
    points = Decimal(points)
    if points <= 0:
        raise ValidationFailed(_("A deduction must be a positive number of points."),
                               field="points")
    if not source_key:
        raise ValidationFailed(_("A deduction needs a source key."), field="source_key")
    existing = Deduction.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert must not end ours
            return Deduction.objects.create(
                department=department, case=case, rule=rule, dimension=dimension_of(rule),
                points=points.quantize(CENT, rounding=ROUND_HALF_UP),
                colour=colour or case.colour, reason=as_message(reason),
                occurred_at=occurred_at or now, recorded_at=now, source_key=source_key)
    except IntegrityError:
        return Deduction.objects.get(source_key=source_key)


@dataclass
class DeductionRun:
    examined: int = 0
    created: int = 0


def late_clocks(*, county: OrgUnit, start: datetime, end: datetime, now: datetime):
    """Clocks of the county due in [start, end) that were not met: stopped late, marked
    breached by the sweep, still running past due at `now`, or cancelled only after their
    due time (a co-handler that never signed before the case closed; a return approved
    late — a pending return does not stop the clock). A clock cancelled before its due
    time did not breach."""
    late = (Q(breached_at__isnull=False)
            | Q(state__in=[ClockState.STOPPED, ClockState.CANCELLED],
                stopped_at__gt=F("due_at"))
            | Q(state=ClockState.RUNNING, due_at__lte=now))
    return (SlaClock.objects.filter(late, case__county=county, due_at__gte=start, due_at__lt=end,
                                    due_at__lte=now)
            .select_related("case__matter_type", "department").order_by("pk"))


def rated_evaluations(*, county: OrgUnit, start: datetime, end: datetime):
    return (Evaluation.objects.filter(case__county=county, evaluated_at__gte=start,
                                      evaluated_at__lt=end, rating__in=list(RATING_RULE))
            .select_related("case__matter_type").order_by("pk"))


def _breach_reason(clock: SlaClock) -> Message:
    due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")
    key = {Metric.SIGN: gettext_noop("Signed late: case %(number)s, due %(due)s."),
           Metric.RESPOND: gettext_noop("Responded late: case %(number)s, due %(due)s.")}.get(
        clock.metric, gettext_noop("Completed late: case %(number)s, due %(due)s."))
    return message(key, number=clock.case.number, due=due)


def _rating_reason(evaluation: Evaluation) -> Message:
    if evaluation.rating == Rating.BASICALLY_SATISFIED:
        key = gettext_noop("Rated “basically satisfied” instead of “very satisfied”: case "
                           "%(number)s, cycle %(cycle)d.")
    else:
        key = gettext_noop("Rated “unsatisfied”: case %(number)s, cycle %(cycle)d.")
    return message(key, number=evaluation.case.number, cycle=evaluation.cycle)


def deductions_from_facts(*, county: OrgUnit, start: datetime, end: datetime, now: datetime,
                          scheme: Scheme | None = None,
                          progress: Callable[[int, int], None] | None = None) -> DeductionRun:
    """Derive the period's deductions from the facts, each once (idempotent by source key):

    - a signing, response or completion clock due in the period and not met → the clock's
      department loses the rule's points (签收/响应/办结超时);
    - an evaluation in the period of 基本满意 (instead of 非常满意) or 不满意 → the lead
      answering for that handling cycle loses the rating's points
      (`evaluation_deduction_source`, the same source the ladder records);

    every amount weighted by the case's colour under `scheme` (default: the default scheme).
    `progress(done, total)` is called every 200 facts for a command's output.
    """
    scheme = scheme or scheme_default()
    run = DeductionRun()
    clocks = late_clocks(county=county, start=start, end=end, now=now)
    evaluations = rated_evaluations(county=county, start=start, end=end)
    total = clocks.count() + evaluations.count()
    existing = set(Deduction.objects.filter(case__county=county, source_key__startswith="breach:",
                                            occurred_at__gte=start, occurred_at__lt=end)
                   .values_list("source_key", flat=True))
    for clock in clocks.iterator(chunk_size=500):
        run.examined += 1
        key = breach_source_key(clock)
        if key not in existing:
            rule = BREACH_RULE[Metric(clock.metric)]
            colour = case_colour(clock.case)  # the colour the ladder weighs the breach by
            if _record_new(department=clock.department, case=clock.case, rule=rule,
                           points=rule_points(scheme=scheme, rule=rule, colour=colour),
                           reason=_breach_reason(clock), now=now, source_key=key,
                           colour=colour, occurred_at=clock.due_at):
                run.created += 1
        _tick(progress, run.examined, total)
    for evaluation in evaluations.iterator(chunk_size=500):
        run.examined += 1
        rule = RATING_RULE[Rating(evaluation.rating)]
        source = evaluation_deduction_source(evaluation)
        if source is not None and _record_new(
                department=source.department, case=evaluation.case, rule=rule,
                points=rule_points(scheme=scheme, rule=rule, colour=source.colour),
                reason=_rating_reason(evaluation), now=now, source_key=source.source_key,
                colour=source.colour, occurred_at=evaluation.evaluated_at):
            run.created += 1
        _tick(progress, run.examined, total)
    if progress is not None:
        progress(run.examined, total)
    return run


def _record_new(**kwargs) -> bool:
    before = Deduction.objects.filter(source_key=kwargs["source_key"]).exists()
    if before:
        return False
    deduction = deduction_record(**kwargs)
    return deduction.recorded_at == kwargs["now"]


def _tick(progress: Callable[[int, int], None] | None, done: int, total: int) -> None:
    if progress is not None and done % 200 == 0:
        progress(done, total)


# ---------------------------------------------------------------------------------------
# appeals


def _ensure_department_member(actor: User, department: Department) -> None:
    if department.pk not in access.user_department_ids(actor):
        raise PermissionDenied(_("Only the department's own staff may appeal its deductions."))


def appeal_blocked(deduction: Deduction, appeals: list[Appeal]) -> str | None:
    """Why the deduction cannot be appealed now (withdrawn, or an appeal still pending), or
    None when it can. `appeals` are the deduction's appeals, passed in so pages that list
    many deductions ask the database once."""
    if deduction.status != DeductionStatus.ACTIVE:
        return _("This deduction has been withdrawn already.")
    if any(a.status == AppealStatus.PENDING for a in appeals):
        return _("An appeal against this deduction is already pending.")
    return None


@transaction.atomic
def appeal_submit(*, actor: User, deduction: Deduction, reason: str, now: datetime) -> Appeal:
    """A department's responder or head appeals (申诉) one of its own active deductions."""
    reason = validation.reason(reason)
    deduction = Deduction.objects.select_for_update().get(pk=deduction.pk)
    _ensure_department_member(actor, deduction.department)
    problem = appeal_blocked(deduction, list(deduction.appeals.all()))
    if problem:
        raise TransitionNotAllowed(problem)
    return Appeal.objects.create(deduction=deduction, department=deduction.department,
                                 reason=reason, submitted_by=actor, submitted_at=now)


@transaction.atomic
def appeal_decide(*, actor: User, appeal: Appeal, uphold: bool, note: str,
                  now: datetime) -> Appeal:
    """A supervisor decides an appeal. Upheld: the deduction is withdrawn, and every score and
    ranking computed afterwards leaves it out. Rejected: a note is required."""
    appeal = Appeal.objects.select_for_update().select_related("deduction__case").get(
        pk=appeal.pk)
    if not may_decide_appeals(actor, appeal.deduction.case.county_id):
        raise PermissionDenied(_("Only the command centre's supervisors may decide appeals."))
    if appeal.status != AppealStatus.PENDING:
        raise TransitionNotAllowed(_("This appeal has been decided already."))
    note = (note or "").strip()
    if not uphold and not note:
        raise ValidationFailed(_("Say why the appeal is rejected."), field="note")
    appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
    appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, note
    appeal.save()
    if uphold:
        Deduction.objects.filter(pk=appeal.deduction_id).update(
            status=DeductionStatus.WITHDRAWN, withdrawn_at=now)
    return appeal
