"""Interviews (约谈): ordered by the ladder, scheduled, held and recorded with notes and the
rectification the department promised, so each one is tracked to completion."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from huying.cases import validation
from huying.cases.events import event_append
from huying.cases.models import Assignment, Case
from huying.catalog.models import Colour
from huying.common.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from huying.common.messages import message
from huying.org.models import Department, Role, User
from huying.supervision import services as sv
from huying.supervision.models import (
    Interview,
    IntervieweeRole,
    InterviewerRole,
    InterviewStatus,
    LeaderKind,
    Trigger,
)

# The rung of the ladder for each interview colour: who interviews whom.
INTERVIEW_RUNGS = {
    Colour.RED: (InterviewerRole.PARTY_LEADER, IntervieweeRole.HEAD),
    Colour.ORANGE: (InterviewerRole.GOVERNMENT_LEADER, IntervieweeRole.HEAD),
    Colour.YELLOW: (InterviewerRole.CENTRE, IntervieweeRole.DEPUTY),
}


def interviewer_for(role: str, *, department: Department, county) -> User | None:
    """The person who conducts the interview.

    Red: the party committee's leader in charge — the department's own leader in charge when
    that leader holds a party post, else the county's party leader. Orange: the department's
    leader in charge (谁分管、谁负责) unless that is a party-post leader, else a government
    leader. Yellow: a supervisor of the command centre (any supervisor may hold it).
    """
    in_charge = department.leader_in_charge
    in_charge_kind = sv.leader_kind_of(in_charge, county) if in_charge is not None else None
    if role == InterviewerRole.PARTY_LEADER:
        if in_charge is not None and in_charge.is_active and in_charge_kind == LeaderKind.PARTY:
            return in_charge
        party = sv.leaders_of_kind(county, LeaderKind.PARTY)
        if party:
            return party[0]
        # No party post entered yet: the leader in charge, else any county leader, so the
        # interview still has someone to answer for it.
        if in_charge is not None and in_charge.is_active:
            return in_charge
        leaders = sv.county_leaders(county)
        return leaders[0] if leaders else None
    if role == InterviewerRole.GOVERNMENT_LEADER:
        if in_charge is not None and in_charge.is_active and in_charge_kind != LeaderKind.PARTY:
            return in_charge
        government = sv.leaders_of_kind(county, LeaderKind.GOVERNMENT)
        if government:
            return government[0]
        leaders = sv.county_leaders(county)
        return leaders[0] if leaders else None
    supervisors = sv.centre_supervisors(county)
    return supervisors[0] if supervisors else None


def interviewee_for(role: str, department: Department) -> User | None:
    if role == IntervieweeRole.HEAD:
        return sv.department_head(department)
    return sv.department_deputy(department)


def interview_open(*, case: Case, department: Department, assignment: Assignment | None,
                   trigger: str, colour: str, source_key: str, now: datetime
                   ) -> tuple[Interview, bool]:
    """Order the interview for `source_key` once; returns (interview, created). Called by
    the ladder inside the transaction of the trigger."""
    existing = Interview.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing, False
    interviewer_role, interviewee_role = INTERVIEW_RUNGS[Colour(colour)]
    interviewer = interviewer_for(interviewer_role, department=department, county=case.county)
    interviewee = interviewee_for(interviewee_role, department)
    try:
        with transaction.atomic():
            interview = Interview.objects.create(
                case=case, department=department, assignment=assignment, trigger=trigger,
                colour=colour, interviewer_role=interviewer_role, interviewer=interviewer,
                interviewee_role=interviewee_role, interviewee=interviewee, created_at=now,
                source_key=source_key)
    except IntegrityError:  # another worker ordered it a moment ago
        return Interview.objects.get(source_key=source_key), False
    title = message(gettext_noop("Interview ordered: %(department)s, case %(number)s"),
                    department=str(department), number=case.number)
    # People are named as they are; roles and the trigger are labels, rendered when read.
    body = message(
        gettext_noop("%(interviewer)s interviews %(interviewee)s (%(role)s) about "
                     "%(trigger)s on case %(number)s “%(title)s”."),
        interviewer=str(interviewer) if interviewer else InterviewerRole(interviewer_role).label,
        interviewee=str(interviewee) if interviewee else IntervieweeRole(interviewee_role).label,
        role=IntervieweeRole(interviewee_role).label,
        trigger=Trigger(interview.trigger).label, number=case.number, title=case.title)
    recipients = [interviewer, interviewee]
    if interviewer_role == InterviewerRole.CENTRE:
        recipients += sv.centre_supervisors(case.county)
    sv.tell(users=recipients, kind="interview", title=title, body=body, now=now, case=case,
            dedupe_key=f"interview:{interview.pk}")
    return interview, True


def may_conduct(actor: User | None, interview: Interview) -> bool:
    """The interviewer, or a supervisor of the county (who keeps the record for leaders)."""
    if actor is None or not actor.is_active:
        return False
    if interview.interviewer_id == actor.pk:
        return True
    return sv.may_supervise(actor, interview.case.county)


def _locked(interview: Interview) -> Interview:
    return Interview.objects.select_for_update(of=("self",)).select_related(
        "case__county", "department").get(pk=interview.pk)


@transaction.atomic
def interview_schedule(*, actor: User, interview: Interview, scheduled_for: datetime,
                       now: datetime) -> Interview:
    """Fix the date of the interview and tell both sides."""
    interview = _locked(interview)
    if not may_conduct(actor, interview):
        raise PermissionDenied(_("Only the interviewer or a supervisor may schedule this "
                                 "interview."))
    if interview.status != InterviewStatus.SCHEDULED:
        raise TransitionNotAllowed(_("The interview is already %(status)s.")
                                   % {"status": interview.get_status_display()})
    if scheduled_for is None or scheduled_for.tzinfo is None:
        raise ValidationFailed(_("Give the interview time with its time zone."),
                               field="scheduled_for")
    interview.scheduled_for = scheduled_for
    interview.save(update_fields=["scheduled_for"])
    sv.tell(users=[interview.interviewer, interview.interviewee], kind="interview",
            title=message(gettext_noop("Interview on case %(number)s scheduled"),
                          number=interview.case.number),
            body=message(gettext_noop("The interview is scheduled for %(time)s."),
                         time=scheduled_for.strftime("%Y-%m-%d %H:%M")),
            now=now, case=interview.case,
            dedupe_key=f"interview:{interview.pk}:at:{scheduled_for.isoformat()}")
    return interview


@transaction.atomic
def interview_record(*, actor: User, interview: Interview, notes: str, rectification: str,
                     now: datetime) -> Interview:
    """Record that the interview was held: what was said and what the department will put
    right. Only the interviewer or a supervisor records it."""
    notes = validation.text(notes, field="notes", label=_("The notes"))
    rectification = validation.text(rectification, field="rectification",
                                     label=_("The rectification"))
    interview = _locked(interview)
    if not may_conduct(actor, interview):
        raise PermissionDenied(_("Only the interviewer or a supervisor may record this "
                                 "interview."))
    if interview.status != InterviewStatus.SCHEDULED:
        raise TransitionNotAllowed(_("The interview is already %(status)s.")
                                   % {"status": interview.get_status_display()})
    interview.status = InterviewStatus.HELD
    interview.held_at = now
    interview.notes = notes
    interview.rectification = rectification
    interview.recorded_by = actor
    interview.save()
    case = Case.objects.select_for_update().get(pk=interview.case_id)
    event_append(case=case, actor=actor, action="interview_held", from_status=case.status,
                 to_status=case.status, now=now,
                 payload={"interview": interview.pk, "department": interview.department.code,
                          "rectification": rectification})
    sv.tell(users=[interview.interviewee, *sv.department_people(interview.department,
                                                                [Role.DEPT_HEAD])],
            kind="interview",
            title=message(gettext_noop("Interview on case %(number)s recorded"),
                          number=case.number), body=rectification, now=now, case=case,
            dedupe_key=f"interview:{interview.pk}:held")
    return interview
