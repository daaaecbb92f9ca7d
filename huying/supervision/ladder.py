"""The supervision ladder (五色督办): on overdue, shirking or a return, supervision follows
the case's colour (SPEC.md "Supervision").

    red    → the party committee's leader in charge interviews the department head
    orange → the government's leader in charge interviews the department head
    yellow → the command centre interviews the deputy head
    blue, green → weighted score deductions

Each trigger is claimed once through a `LadderStep` with a unique source key (a breach of
one clock, a denied return of one assignment, one unsatisfied evaluation), so running the
sweep twice, in two processes, or a hook that fires again changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from huying.assessment.services import (
    BREACH_RULE,
    RATING_UNSATISFIED,
    breach_source_key,
    deduction_record,
    evaluation_deduction_source,
    rule_points,
    scheme_default,
)
from huying.cases.models import Assignment, Case, Evaluation, Rating
from huying.cases.selectors import case_colour
from huying.catalog.models import Colour
from huying.common.messages import Message, as_message, message
from huying.org.models import Department, Role
from huying.supervision import services as sv
from huying.supervision.interviews import INTERVIEW_RUNGS, interview_open
from huying.supervision.models import LadderStep, Metric, Rung, SlaClock, Stage, Trigger
from huying.supervision.slips import slip_issue_for_evaluation

RUNG_OF = {Colour.RED: Rung.PARTY_INTERVIEW, Colour.ORANGE: Rung.GOVERNMENT_INTERVIEW,
           Colour.YELLOW: Rung.CENTRE_INTERVIEW, Colour.BLUE: Rung.DEDUCTION,
           Colour.GREEN: Rung.DEDUCTION}

# The ledger rule of a shirking deduction; breaches and ratings use the assessment's own
# rules and source keys, so a fact the assessment also derives is deducted once.
SHIRKING_RULE = "shirking"
WARNING_PEOPLE = (Role.RESPONDER, Role.DEPT_HEAD)


def deduction_for(rule: str, colour: str) -> Decimal:
    """The rule's points under the default scheme, weighted by the case colour."""
    return rule_points(scheme=scheme_default(), rule=rule, colour=colour)


def trigger_label(trigger: str, metric: str | None = None) -> Message:
    if trigger == Trigger.OVERDUE and metric:
        return message(gettext_noop("%(metric)s overdue"), metric=Metric(metric).label)
    return as_message(Trigger(trigger).label)


# ---------------------------------------------------------------------------------------
# the triggers


def sla_level_fired(*, clock: SlaClock, level: int, now: datetime) -> LadderStep | None:
    """A warning (50 %, 75 %) tells the department; a breach is overdue — any metric,
    signing included — and climbs the ladder."""
    case = clock.case
    department = clock.department
    label = Metric(clock.metric).label
    if level < Stage.BREACHED:
        title = message(gettext_noop("%(metric)s deadline of case %(number)s: %(percent)s used"),
                        metric=label, number=case.number,
                        percent="50%" if level == Stage.HALF else "75%")
        body = message(gettext_noop("Due at %(due)s: “%(title)s”."),
                       due=timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
                       title=case.title)
        sv.tell(users=sv.department_people(department, WARNING_PEOPLE), kind="sla_warning",
                title=title, body=body, now=now, case=case,
                dedupe_key=f"sla:{clock.pk}:{level}")
        return None
    sv.tell(users=sv.department_people(department, WARNING_PEOPLE), kind="sla_breach",
            title=message(gettext_noop("%(metric)s of case %(number)s is overdue"),
                          metric=label, number=case.number),
            body=message(gettext_noop("It was due at %(due)s: “%(title)s”."),
                         due=timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
                         title=case.title),
            now=now, case=case, dedupe_key=f"sla:{clock.pk}:{level}")
    return escalate(trigger=Trigger.OVERDUE, case=case, department=department,
                    assignment=clock.assignment, clock=clock, now=now,
                    source_key=f"overdue:clock:{clock.pk}",
                    interview_key=f"overdue:assignment:{clock.assignment_id}",
                    reason=trigger_label(Trigger.OVERDUE, clock.metric),
                    deduction=(BREACH_RULE[Metric(clock.metric)], breach_source_key(clock),
                               clock.due_at))


def assignment_return_denied(*, assignment: Assignment, now: datetime) -> LadderStep | None:
    """A denied return is shirking (推诿): the department tried to hand back its own work."""
    return escalate(trigger=Trigger.SHIRKING, case=assignment.case,
                    department=assignment.department, assignment=assignment, clock=None,
                    now=now, source_key=f"shirking:assignment:{assignment.pk}",
                    interview_key=f"shirking:assignment:{assignment.pk}",
                    reason=message(gettext_noop("Return denied: %(reason)s"),
                                   reason=assignment.return_reason or "-"),
                    deduction=(SHIRKING_RULE, f"shirking:assignment:{assignment.pk}", now))


def case_evaluated(*, case: Case, evaluation: Evaluation, now: datetime) -> LadderStep | None:
    """An unsatisfied evaluation reopens the case (退办/重办): the lead of the evaluated
    cycle climbs the ladder. 不满意 and 基本满意 also bring a supervision slip."""
    step = None
    # the department, ledger key and colour the nightly derivation uses too, so the
    # deduction is one row whichever path records it first
    source = evaluation_deduction_source(evaluation)
    if source is None:
        return None
    lead = source.lead
    if evaluation.rating == Rating.UNSATISFIED:
        step = escalate(trigger=Trigger.RETURN, case=case, department=lead.department,
                        assignment=lead, clock=None, now=now,
                        source_key=f"return:evaluation:{evaluation.pk}",
                        interview_key=f"return:assignment:{lead.pk}",
                        reason=message(gettext_noop("Unsatisfied evaluation: %(comment)s"),
                                       comment=evaluation.comment or "-"),
                        deduction=(RATING_UNSATISFIED, source.source_key,
                                   evaluation.evaluated_at))
    if evaluation.rating in (Rating.UNSATISFIED, Rating.BASICALLY_SATISFIED) and (
            not evaluation.automatic):
        slip_issue_for_evaluation(case=case, evaluation=evaluation, department=lead.department,
                                  now=now)
    return step


# ---------------------------------------------------------------------------------------
# the ladder itself


def escalate(*, trigger: str, case: Case, department: Department,
             assignment: Assignment | None, clock: SlaClock | None, now: datetime,
             source_key: str, interview_key: str, reason: Message,
             deduction: tuple[str, str, datetime]) -> LadderStep | None:
    """Take the rung the case's colour calls for, once per `source_key`. Returns the new
    step, or None when this trigger was already handled. `deduction` is the ledger rule,
    source key and time used on the blue and green rungs."""
    if LadderStep.objects.filter(source_key=source_key).exists():
        return None
    colour = case_colour(case)
    rung = RUNG_OF[Colour(colour)]
    rule, ledger_key, occurred_at = deduction
    deducts = Colour(colour) not in INTERVIEW_RUNGS
    points = deduction_for(rule, colour) if deducts else None
    try:
        with transaction.atomic():
            step = LadderStep.objects.create(
                source_key=source_key, trigger=trigger, rung=rung, case=case,
                department=department, assignment=assignment, clock=clock, colour=colour,
                created_at=now, **({"points": points} if deducts else {}))
    except IntegrityError:  # claimed by a concurrent worker
        return None
    if Colour(colour) in INTERVIEW_RUNGS:
        interview, _created = interview_open(
            case=case, department=department, assignment=assignment, trigger=trigger,
            colour=colour, source_key=interview_key, now=now)
        step.interview = interview
        step.save(update_fields=["interview"])
        return step
    entry = deduction_record(department=department, case=case, rule=rule, points=points,
                             reason=reason, now=now, source_key=ledger_key, colour=colour,
                             occurred_at=occurred_at)
    if entry.points != step.points:  # the ledger had the fact already, at its own points
        step.points = points = entry.points
        step.save(update_fields=["points"])
    sv.tell(users=sv.department_people(department, [Role.DEPT_HEAD]), kind="decision",
            title=message(gettext_noop("%(points)s points deducted: case %(number)s"),
                          points=points, number=case.number),
            body=reason, now=now, case=case, dedupe_key=f"ladder:{step.pk}")
    return step

