"""The workbench's tabs: which to-do queues a role sees, their filters, and the working-time
countdown of each row. The queues themselves are the selectors in `huying.cases.selectors`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huying.cases import access, ports, selectors
from huying.cases.models import Assignment, Case, CaseStatus
from huying.common.days import day_range
from huying.org.models import DEPARTMENT_ROLES, GRID_ROLES, OrgUnit, Role, User
from huying.org.selectors import with_units
from huying.supervision.models import ClockState, SlaClock
from huying.web.roles import roles_of
from huying.workdays.selectors import work_calendar

CASE, ASSIGNMENT = "case", "assignment"


def _mine(user: User) -> QuerySet[Case]:
    return access.cases_visible_to(user).filter(reported_by=user).order_by("-reported_at")


def _initiated(user: User) -> QuerySet[Case]:
    return access.cases_visible_to(user).filter(
        Q(reported_by=user) | Q(called_by=user)).order_by("-reported_at")


def _all(user: User) -> QuerySet[Case]:
    return access.cases_visible_to(user).order_by("-reported_at")


@dataclass(frozen=True)
class Queue:
    key: str
    label: object
    kind: str  # CASE or ASSIGNMENT rows
    fetch: Callable[[User], QuerySet]
    roles: frozenset[str]
    hint: object = ""


SUPERVISOR = frozenset({Role.SUPERVISOR})
QUEUES: list[Queue] = [
    Queue("local", _("To handle here"), CASE, selectors.queue_local,
          GRID_ROLES | {Role.INITIATOR},
          _("Reports in your area to register, handle on the spot, escalate or call up.")),
    Queue("to_approve", _("To approve"), CASE, selectors.queue_to_approve,
          frozenset({Role.TOWN_REVIEWER}), _("Calls of your town waiting for your approval.")),
    Queue("to_triage", _("To triage"), CASE, selectors.queue_to_triage, SUPERVISOR,
          _("Approved calls and county-level reports waiting for triage and dispatch.")),
    Queue("decisions", _("To decide"), ASSIGNMENT, selectors.queue_decisions, SUPERVISOR,
          _("Return and extension requests waiting for the centre's decision.")),
    Queue("to_sign", _("To sign"), ASSIGNMENT, selectors.queue_to_sign, DEPARTMENT_ROLES,
          _("Assignments of your department waiting for signature.")),
    Queue("to_handle", _("In hand"), ASSIGNMENT, selectors.queue_to_handle, DEPARTMENT_ROLES,
          _("Signed assignments of your department not yet replied.")),
    Queue("to_evaluate", _("To evaluate"), CASE, selectors.queue_to_evaluate,
          frozenset({Role.INITIATOR}), _("Replied cases waiting for your evaluation.")),
    Queue("mine", _("My reports"), CASE, _mine, GRID_ROLES, _("Everything you reported.")),
    Queue("initiated", _("Initiated by me"), CASE, _initiated, frozenset({Role.INITIATOR}),
          _("Cases you reported or called up.")),
    Queue("all", _("All cases"), CASE, _all,
          frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN}),
          _("Every case you may see.")),
]


def queues_for(user: User) -> list[Queue]:
    roles = roles_of(user)
    return [q for q in QUEUES if q.roles & roles]


@dataclass
class QueueFilters:
    status: str = ""
    colour: str = ""
    matter: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    # The drill-down filters the dashboard links to (no field of their own in the form):
    # a unit's code (town, community, grid), a channel's code, a department's code (cases
    # it has an assignment of), overdue now.
    unit: str = ""
    channel: str = ""
    department: str = ""
    overdue: bool = False
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params) -> QueueFilters:
        filters = cls(status=params.get("status", "").strip(),
                      colour=params.get("colour", "").strip(),
                      matter=params.get("matter", "").strip(), q=params.get("q", "").strip(),
                      unit=params.get("unit", "").strip()[:32],
                      channel=params.get("channel", "").strip()[:32],
                      department=params.get("department", "").strip()[:32],
                      overdue=params.get("overdue", "") == "1")
        for name in ("date_from", "date_to"):
            raw = params.get(name, "").strip()
            if raw:
                try:
                    setattr(filters, name, date.fromisoformat(raw))
                except ValueError:
                    filters.errors.append(str(_("Dates are written like 2026-03-02.")))
        return filters

    def any(self) -> bool:
        return bool(self.status or self.colour or self.matter or self.date_from
                    or self.date_to or self.q or self.drill_down())

    def drill_down(self) -> dict[str, str]:
        """The drill-down filters set, as query parameters (kept by the filter form)."""
        found = {"unit": self.unit, "channel": self.channel, "department": self.department,
                 "overdue": "1" if self.overdue else ""}
        return {name: value for name, value in found.items() if value}

    def apply(self, rows: QuerySet, kind: str, *, now: datetime | None = None) -> QuerySet:
        p = "case__" if kind == ASSIGNMENT else ""
        if self.unit:
            unit = OrgUnit.objects.filter(code=self.unit).first()
            if unit is None:
                return rows.none()
            rows = rows.filter(access.unit_q(unit)) if not p else rows.filter(
                case__in=Case.objects.filter(access.unit_q(unit)))
        if self.channel:
            rows = rows.filter(**{f"{p}channel": self.channel})
        if self.department and kind == ASSIGNMENT:
            rows = rows.filter(department__code=self.department)
        elif self.department:
            rows = rows.filter(pk__in=Assignment.objects.filter(
                department__code=self.department).values("case_id"))
        if self.overdue:
            rows = rows.filter(**{f"{p}pk__in": ports.case_ids_overdue(
                now=now or timezone.now())})
        if self.status:
            rows = rows.filter(**{f"{p}status": self.status})
        if self.colour:
            rows = rows.filter(**{f"{p}colour": self.colour})
        if self.matter:
            rows = rows.filter(**{f"{p}matter_type__code": self.matter})
        for lookup, at in day_range(self.date_from, self.date_to).items():
            rows = rows.filter(**{f"{p}reported_at__{lookup}": at})
        if self.q:
            rows = rows.filter(Q(**{f"{p}title__icontains": self.q})
                               | Q(**{f"{p}number": self.q.upper()})
                               | Q(**{f"{p}address__icontains": self.q})
                               | Q(**{f"{p}description__icontains": self.q}))
        return rows


def queue_rows(queue: Queue, user: User) -> QuerySet:
    rows = queue.fetch(user)
    if queue.kind == ASSIGNMENT:
        return with_units(rows, "case__matter_type", "case__town", "case__grid",
                          "department")
    return with_units(rows, "matter_type", "town", "grid")


# ---------------------------------------------------------------------------------------
# countdowns


@dataclass(frozen=True)
class Countdown:
    """Working time left until a due instant (negative: overdue), and what is due."""

    seconds: float
    what: str  # "sign", "respond", "complete" or "evaluate"
    due_at: datetime

    @property
    def overdue(self) -> bool:
        return self.seconds < 0

    @property
    def hours(self) -> float:
        return abs(self.seconds) / 3600

    @property
    def tone(self) -> str:
        """A Bootstrap colour: overdue red, under four working hours amber, else neutral."""
        if self.seconds < 0:
            return "danger"
        if self.seconds < 4 * 3600:
            return "warning"
        return "secondary"


def countdowns(rows: list, kind: str, *, now: datetime) -> None:
    """Set `row.countdown` on each case or assignment of one page: the nearest running (or
    paused) clock of the current cycle, or the evaluation window of a replied case."""
    if not rows:
        return
    cases = [r.case if kind == ASSIGNMENT else r for r in rows]
    clocks = (SlaClock.objects.filter(case_id__in={c.pk for c in cases},
                                      state__in=[ClockState.RUNNING, ClockState.PAUSED])
              .values_list("case_id", "assignment_id", "cycle", "metric", "due_at"))
    nearest_case: dict[int, tuple[datetime, str]] = {}
    nearest_assignment: dict[int, tuple[datetime, str]] = {}
    cycle_of = {c.pk: c.cycle for c in cases}
    for case_id, assignment_id, cycle, metric, due_at in clocks:
        if cycle != cycle_of.get(case_id):
            continue
        for key, table in ((case_id, nearest_case), (assignment_id, nearest_assignment)):
            if key not in table or due_at < table[key][0]:
                table[key] = (due_at, metric)
    calendar = work_calendar()
    for row, case in zip(rows, cases, strict=True):
        found = (nearest_assignment.get(row.pk) if kind == ASSIGNMENT
                 else nearest_case.get(case.pk))
        if found is None and case.status == CaseStatus.REPLIED and case.evaluation_due_at:
            found = (case.evaluation_due_at, "evaluate")
        row.countdown = (Countdown(calendar.working_seconds_between(now, found[0]), found[1],
                                   found[0]) if found else None)


def case_countdown(case: Case, *, now: datetime) -> Countdown | None:
    countdowns([case], CASE, now=now)
    return case.countdown  # type: ignore[attr-defined]
