"""The three slips (三单): the prompt slip (提示单) each morning for the leadership, the
supervision slip (督办单) to a department for low-quality handling, and the monthly warning
slip (警示单) to departments the towns rank in the bottom 3 two months running.

Every slip is a numbered record (督办〔2026〕15号); automatic slips carry a source key so a
job that runs twice issues each slip once. `documents.slip_document` renders them.

Number, title, body, recipients and copy line are stored as messages (common/messages.py)
and rendered in the reader's language; what a supervisor or a department typed is a literal.
"""

from __future__ import annotations

import calendar as pycalendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from huying.analytics.models_warnings import EarlyWarning
from huying.analytics.warnings import warning_cases, warnings_live
from huying.assessment import selectors as assessment_selectors
from huying.cases import validation
from huying.cases.models import Assignment, AssignmentStatus, Case, Evaluation, Rating
from huying.cases.states import OPEN_AT_COUNTY, TERMINAL_CASE, WITHDRAWN_CASE
from huying.common.days import local_midnight
from huying.common.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from huying.common.messages import Message, as_message, join, literal, message
from huying.org.models import Department, Level, OrgUnit, Role, User
from huying.sensitive.selectors import flags_for
from huying.supervision import services as sv
from huying.supervision.models import Slip, SlipCounter, SlipKind, SlipStatus
from huying.supervision.selectors import case_ids_overdue
from huying.workdays.selectors import work_calendar


def kind_prefix(kind: str) -> Message:
    return message({SlipKind.PROMPT: gettext_noop("Prompt"),
                    SlipKind.SUPERVISION: gettext_noop("Supervision"),
                    SlipKind.WARNING: gettext_noop("Warning")}[SlipKind(kind)])


def issuing_office(county: OrgUnit) -> str:
    """The name on the header line and the signature: the county's command centre."""
    configured = getattr(settings, "HUYING_SLIP_ISSUER", "")
    return configured or _("%(county)s Social Governance Linkage Command Centre") % {
        "county": county.name}


def county_of(department: Department) -> OrgUnit:
    unit = department.unit
    if unit.level == Level.COUNTY:
        return unit
    return OrgUnit.objects.get(pk=unit.ancestor_ids()[0])


def slip_number_next(*, county: OrgUnit, kind: str, year: int) -> Message:
    """The next number of the county's `kind` slips in `year`, under a row lock so that
    concurrent issuers never share one."""
    counter = SlipCounter.objects.select_for_update().filter(county=county, kind=kind,
                                                             year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = SlipCounter.objects.create(county=county, kind=kind, year=year)
        except IntegrityError:
            pass
        counter = SlipCounter.objects.select_for_update().get(county=county, kind=kind,
                                                              year=year)
    SlipCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return message(gettext_noop("%(prefix)s [%(year)d] No. %(seq)d"),
                   prefix=kind_prefix(kind), year=year, seq=counter.last)


def _issue(*, kind: str, county: OrgUnit, department: Department | None, cases: Sequence[Case],
           title: Message, body: Message | str, now: datetime, actor: User | None = None,
           deadline: datetime | None = None, recipients: Message | str = "",
           copied_to: Message | str = "",
           source_key: str | None = None) -> tuple[Slip, bool]:
    if source_key is not None:
        existing = Slip.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            number = slip_number_next(county=county, kind=kind,
                                      year=timezone.localtime(now).year)
            slip = Slip.objects.create(
                kind=kind, number=number, county=county, department=department, title=title,
                body=as_message(body), deadline=deadline, issued_by=actor, issued_at=now,
                recipients=as_message(recipients), copied_to=as_message(copied_to),
                source_key=source_key)
            slip.cases.set(cases)
    except IntegrityError:
        if source_key is None:
            raise
        return Slip.objects.get(source_key=source_key), False
    return slip, True


def _tell_issued(slip: Slip, users: Sequence[User | None], now: datetime) -> None:
    sv.tell(users=users, kind="slip",
            title=message(gettext_noop("%(kind)s %(number)s: %(title)s"),
                          kind=SlipKind(slip.kind).label, number=slip.number,
                          title=slip.title),
            body=slip.body, now=now, link=f"/api/v1/supervision/slips/{slip.pk}/document",
            dedupe_key=f"slip:{slip.pk}")


# ---------------------------------------------------------------------------------------
# prompt slip (提示单)


@dataclass
class HotSpot:
    matter: str
    town: str
    count: int


@dataclass
class PromptDigest:
    hot: list[HotSpot]
    hot_cases: list[Case]
    difficult: list[Case]
    sensitive: list[Case]
    sensitive_reasons: dict[int, str] = field(default_factory=dict)
    warnings: list[EarlyWarning] = field(default_factory=list)
    warning_cases: list[Case] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.hot or self.difficult or self.sensitive or self.warnings)


def prompt_digest(*, county: OrgUnit, now: datetime) -> PromptDigest:
    """Hot matters (many reports of one type in one town over the last days), difficult ones
    (overdue, reopened, returned), stability-sensitive ones still open and the county's
    open early warnings (`analytics.warnings`) with their explanations."""
    days = getattr(settings, "HUYING_PROMPT_HOT_DAYS", 3)
    threshold = getattr(settings, "HUYING_PROMPT_HOT_THRESHOLD", 3)
    limit = getattr(settings, "HUYING_PROMPT_LIMIT", 30)
    recent = Case.objects.filter(county=county, reported_at__gte=now - timedelta(days=days),
                                 reported_at__lte=now, matter_type__isnull=False).exclude(
        status__in=WITHDRAWN_CASE)
    groups = (recent.values("matter_type_id", "matter_type__name", "town_id", "town__name")
              .annotate(n=Count("id")).filter(n__gte=threshold).order_by("-n", "matter_type_id"))
    hot, hot_cases = [], []
    for group in groups[:limit]:
        hot.append(HotSpot(group["matter_type__name"], group["town__name"] or "-", group["n"]))
        hot_cases += list(recent.filter(matter_type_id=group["matter_type_id"],
                                        town_id=group["town_id"]).order_by("-reported_at")[:3])
    open_cases = Case.objects.filter(county=county, status__in=OPEN_AT_COUNTY)
    overdue = open_cases.filter(pk__in=case_ids_overdue(now=now))
    reopened = open_cases.filter(cycle__gte=2)
    returned = open_cases.filter(pk__in=Assignment.objects.filter(
        status=AssignmentStatus.RETURNED, case__county=county).values("case_id"))
    difficult = list((overdue | reopened | returned).distinct().order_by("dispatched_at", "pk")
                     [:limit])
    sensitive = list(Case.objects.filter(county=county, sensitive=True).exclude(
        status__in=TERMINAL_CASE)
        .order_by("reported_at", "pk")[:limit])
    reasons = {case_id: "；".join(f"{h['name']}（{'、'.join(h['words'])}）" for h in flag.hits)
               for case_id, flag in flags_for(c.pk for c in sensitive).items()}
    warnings = warnings_live(county, limit=limit)
    linked = [case for cases in warning_cases(warnings).values() for case in cases[:3]]
    return PromptDigest(hot, hot_cases, difficult, sensitive, reasons, warnings, linked)


def prompt_body(digest: PromptDigest) -> Message:
    if digest.empty:
        return message(gettext_noop("No hot, difficult or stability-sensitive matters today."))
    lines = [message(gettext_noop("1. Hot matters (%(count)d)"), count=len(digest.hot))]
    lines += [message(gettext_noop("  %(town)s: %(matter)s, %(count)d reports"),
                      town=h.town, matter=h.matter, count=h.count) for h in digest.hot]
    lines.append(message(gettext_noop("2. Difficult matters (%(count)d)"),
                         count=len(digest.difficult)))
    lines += [literal(f"  {c.number} {c.title}") for c in digest.difficult]
    lines.append(message(gettext_noop("3. Stability-sensitive matters (%(count)d)"),
                         count=len(digest.sensitive)))
    lines += [message(gettext_noop("  %(number)s %(title)s (flagged for: %(reason)s)"),
                      number=c.number, title=c.title, reason=digest.sensitive_reasons[c.pk])
              if c.pk in digest.sensitive_reasons else literal(f"  {c.number} {c.title}")
              for c in digest.sensitive]
    if digest.warnings:
        lines.append(message(gettext_noop("4. Early warnings (%(count)d)"),
                             count=len(digest.warnings)))
        lines += [message(gettext_noop("  %(title)s: %(explanation)s"), title=w.title,
                          explanation=w.explanation) for w in digest.warnings]
    return join(lines, "\n")


@transaction.atomic
def slip_issue_prompt(*, county: OrgUnit, day: date, now: datetime) -> Slip:
    """The morning digest for the leadership, once per county and day."""
    key = f"prompt:{county.pk}:{day.isoformat()}"
    existing = Slip.objects.filter(source_key=key).first()
    if existing is not None:
        return existing
    digest = prompt_digest(county=county, now=now)
    cases = list({c.pk: c for c in (*digest.difficult, *digest.sensitive,
                                    *digest.hot_cases, *digest.warning_cases)}.values())
    slip, created = _issue(
        kind=SlipKind.PROMPT, county=county, department=None, cases=cases,
        title=message(gettext_noop("Prompt slip of %(day)s"), day=day.strftime("%Y-%m-%d")),
        body=prompt_body(digest), now=now, recipients=message(gettext_noop("County leaders")),
        source_key=key)
    if created:
        _tell_issued(slip, sv.county_leaders(county), now)
    return slip


# ---------------------------------------------------------------------------------------
# supervision slip (督办单)


def default_deadline(now: datetime) -> datetime:
    days = getattr(settings, "HUYING_SUPERVISION_SLIP_WORKING_DAYS", 5)
    return work_calendar().add(now, days, "working_days")


@transaction.atomic
def slip_issue_supervision(*, actor: User | None, department: Department, cases: Sequence[Case],
                           reason: Message | str, now: datetime,
                           deadline: datetime | None = None,
                           source_key: str | None = None) -> Slip:
    """A supervision slip to the department head, with a rectification deadline (default:
    five working days). Issued by a supervisor (`reason` the text they typed), or by the
    platform (`actor` None, `reason` a message)."""
    if not isinstance(reason, Message):
        reason = literal(validation.reason(reason))
    county = cases[0].county if cases else county_of(department)
    if any(c.county_id != county.pk for c in cases):
        raise ValidationFailed(_("All cases of a slip must be in one county."), field="cases")
    if actor is not None:
        sv.require_supervisor(actor, county)
    deadline = deadline or default_deadline(now)
    if deadline <= now:
        raise ValidationFailed(_("The rectification deadline must be in the future."),
                               field="deadline")
    head = sv.department_head(department)
    slip, created = _issue(
        kind=SlipKind.SUPERVISION, county=county, department=department, cases=cases,
        title=message(gettext_noop("Supervision slip to %(department)s"),
                      department=department.name),
        body=reason, deadline=deadline, now=now, actor=actor,
        recipients=message(gettext_noop("%(department)s (head: %(head)s)"),
                           department=department.name, head=str(head or "-")),
        source_key=source_key)
    if created:
        _tell_issued(slip, [head, *sv.department_people(department, [Role.RESPONDER])], now)
    return slip


def slip_issue_for_evaluation(*, case: Case, evaluation: Evaluation, department: Department,
                              now: datetime) -> Slip:
    """不满意/基本满意 bring an automatic supervision slip; an unsatisfied evaluation of a
    case already reworked once is failed rework."""
    if evaluation.rating == Rating.BASICALLY_SATISFIED:
        key = gettext_noop("Case %(number)s was evaluated “basically satisfied”: improve the "
                           "quality of handling and of the reply.")
    elif Evaluation.objects.filter(case=case, rating=Rating.UNSATISFIED,
                                   cycle__lt=evaluation.cycle).exists():
        key = gettext_noop("Failed rework: case %(number)s was evaluated “unsatisfied” again "
                           "after it was reopened.")
    else:
        key = gettext_noop("Case %(number)s was evaluated “unsatisfied” and reopened for "
                           "rework.")
    reason = message(key, number=case.number)
    if evaluation.comment:
        reason = join([reason, message(gettext_noop("The initiator's comment: %(comment)s"),
                                       comment=evaluation.comment)], "\n")
    return slip_issue_supervision(actor=None, department=department, cases=[case],
                                  reason=reason, now=now,
                                  source_key=f"evaluation:{evaluation.pk}")


@transaction.atomic
def slip_reply(*, actor: User, slip: Slip, reply: str, now: datetime) -> Slip:
    """The department answers a supervision or warning slip with what it put right."""
    reply = validation.text(reply, field="reply", label=_("The reply"))
    slip = Slip.objects.select_for_update(of=("self",)).select_related("department", "county").get(
        pk=slip.pk)
    if slip.kind == SlipKind.PROMPT:
        raise TransitionNotAllowed(_("A prompt slip takes no reply."))
    if not sv.works_in(actor, slip.department):
        raise PermissionDenied(_("Only the department the slip is addressed to may reply."))
    if slip.status != SlipStatus.ISSUED:
        raise TransitionNotAllowed(_("The slip is already %(status)s.")
                                   % {"status": slip.get_status_display()})
    slip.reply, slip.replied_at, slip.replied_by = reply, now, actor
    slip.status = SlipStatus.REPLIED
    slip.save()
    sv.tell(users=[slip.issued_by, *sv.centre_supervisors(slip.county)], kind="slip",
            title=message(gettext_noop("%(department)s replied to %(number)s"),
                          department=str(slip.department), number=slip.number),
            body=reply[:500], now=now, dedupe_key=f"slip:{slip.pk}:reply")
    return slip


@transaction.atomic
def slip_close(*, actor: User, slip: Slip, now: datetime) -> Slip:
    """A supervisor accepts the reply (or files a prompt slip) and closes the slip."""
    slip = Slip.objects.select_for_update(of=("self",)).select_related("county").get(pk=slip.pk)
    sv.require_supervisor(actor, slip.county)
    if slip.status == SlipStatus.CLOSED or (slip.kind != SlipKind.PROMPT
                                            and slip.status != SlipStatus.REPLIED):
        raise TransitionNotAllowed(_("The slip is %(status)s and cannot be closed now.")
                                   % {"status": slip.get_status_display()})
    slip.status, slip.closed_at = SlipStatus.CLOSED, now
    slip.save(update_fields=["status", "closed_at"])
    return slip


# ---------------------------------------------------------------------------------------
# warning slip (警示单)


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, first.replace(day=pycalendar.monthrange(first.year, first.month)[1])


def previous_month(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def month_span(month: date) -> tuple[datetime, datetime]:
    """[local midnight of the 1st, local midnight of the next month's 1st)."""
    first, last = month_bounds(month)
    return local_midnight(first), local_midnight(last + timedelta(days=1))


def bottom_three(*, county: OrgUnit, month: date) -> dict[int, dict]:
    """The departments the towns' evaluations rank in the bottom 3 in `month`: department
    id → {rank, score, of}. Departments without evaluations have no score and no rank."""
    start, end = month_span(month)
    ranking = assessment_selectors.ranking_for_period(
        county=county, kind="department", period_start=start, period_end=end,
        by="town_evaluation")
    rows = [row for row in ranking if row.score is not None]
    if not rows:
        return {}
    rows.sort(key=lambda row: (row.rank, row.code))
    # Ties at the border stay in: everyone ranked at or below the third-worst rank.
    border = rows[-3] if len(rows) >= 3 else rows[0]
    return {row.subject_id: {"rank": row.rank, "score": row.score, "of": len(rows)}
            for row in rows if row.rank >= border.rank}


def warning_copied_to(county: OrgUnit) -> Message:
    """The party committee, the government and the discipline commission of the county."""
    return join([message(gettext_noop("%(county)s party committee"), county=county.name),
                 message(gettext_noop("%(county)s government"), county=county.name),
                 message(gettext_noop("%(county)s discipline inspection commission"),
                         county=county.name)], "、")


@transaction.atomic
def slips_issue_warning_monthly(*, county: OrgUnit, month: date, now: datetime) -> list[Slip]:
    """Warning slips for `month` (any day in it) to departments in the bottom 3 of the towns'
    evaluations in that month AND the one before; once per department and month."""
    this_month, last_month = month.replace(day=1), previous_month(month).replace(day=1)
    now_bottom = bottom_three(county=county, month=this_month)
    before_bottom = bottom_three(county=county, month=last_month)
    slips = []
    for department in Department.objects.filter(pk__in=set(now_bottom) & set(before_bottom)
                                                ).order_by("code"):
        current, previous = now_bottom[department.pk], before_bottom[department.pk]
        body = message(
            gettext_noop("In the towns' evaluation of county departments, %(department)s "
                         "ranked %(rank_before)d of %(of_before)d in %(before)s and "
                         "%(rank_now)d of %(of_now)d in %(now)s: in the bottom three two "
                         "months running. Analyse the causes, rectify, and reply in writing "
                         "by the deadline."),
            department=department.name, rank_before=previous["rank"],
            of_before=previous["of"], before=last_month.strftime("%Y-%m"),
            rank_now=current["rank"], of_now=current["of"],
            now=this_month.strftime("%Y-%m"))
        slip, created = _issue(
            kind=SlipKind.WARNING, county=county, department=department, cases=[],
            title=message(gettext_noop("Warning slip to %(department)s for %(month)s"),
                          department=department.name, month=this_month.strftime("%Y-%m")),
            body=body, now=now, deadline=default_deadline(now),
            recipients=department.name, copied_to=warning_copied_to(county),
            source_key=f"warning:{county.pk}:{this_month:%Y-%m}:{department.pk}")
        if created:
            _tell_issued(slip, [sv.department_head(department), *sv.county_leaders(county)],
                         now)
        slips.append(slip)
    return slips


