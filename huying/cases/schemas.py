"""What the case API accepts and returns.

Inputs are checked here for shape (lengths, known choices) with messages in the user's
language; whether an action is allowed stays with the services. Outputs never carry the
reporter's personal data except through `access.reporter_for` (masked unless needed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import TextChoices
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from huying.cases import access, reads, selectors, states
from huying.cases.actions.run import allowed_on_assignment, allowed_on_case, queue_actions
from huying.cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    CaseStatus,
    Evaluation,
    ExtensionRequest,
    RallyCall,
    Rating,
)
from huying.catalog.models import Colour
from huying.org.models import User

# ---------------------------------------------------------------------------------------
# field types with readable refusals


def text_field(max_length: int, *, required: bool = True) -> Any:
    def check(value: str) -> str:
        value = value.strip()
        if required and not value:
            raise PydanticCustomError("required", _("This field is required."))
        if len(value) > max_length:
            raise PydanticCustomError(
                "too_long", _("At most %(max)d characters, this has %(length)d.")
                % {"max": max_length, "length": len(value)})
        return value

    schema = {"type": "string", "maxLength": max_length, "minLength": 1 if required else 0}
    return Annotated[str, AfterValidator(check), WithJsonSchema(schema)]


def choice_field(choices: type[TextChoices]) -> Any:
    def check(value: str) -> str:
        if value not in choices.values:
            raise PydanticCustomError(
                "unknown_choice", _("Unknown value %(value)s; use one of: %(values)s.")
                % {"value": value[:40], "values": ", ".join(choices.values)})
        return value

    schema = {"type": "string", "enum": list(choices.values)}
    return Annotated[str, AfterValidator(check), WithJsonSchema(schema)]


def channel_field() -> Any:
    """A code of an active channel in the registry (checked against the data, so a channel
    added in the admin is accepted at once)."""
    def check(value: str) -> str:
        value = value.strip()
        if not reads.channel_is_active(value):
            raise PydanticCustomError(
                "unknown_channel", _("Unknown or inactive channel %(channel)s.")
                % {"channel": value[:40]})
        return value

    return Annotated[str, AfterValidator(check),
                     WithJsonSchema({"type": "string", "maxLength": 32, "minLength": 1})]


def int_field(low: int, high: int) -> Any:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise PydanticCustomError("out_of_range", _("A whole number from %(low)d to %(high)d.")
                                      % {"low": low, "high": high})
        return value

    schema = {"type": "integer", "minimum": low, "maximum": high}
    return Annotated[int, AfterValidator(check), WithJsonSchema(schema)]


Code = text_field(32)
CaseNumber = text_field(32)
Title = text_field(200)
LongText = text_field(5000)
Reason = text_field(2000)
OptionalNote = text_field(2000, required=False)
ChannelValue = channel_field()
ColourValue = choice_field(Colour)
RatingValue = choice_field(Rating)
StatusValue = choice_field(CaseStatus)
Version = int_field(1, 2_000_000_000)


# ---------------------------------------------------------------------------------------
# inputs


class VersionedIn(Schema):
    """`expected_version`: the version the client saw; a stale one is refused (409)."""

    expected_version: Version | None = None


class ReportFieldsIn(Schema):
    """What a report says, whichever way it arrives."""

    county: Code
    title: Title
    description: LongText
    reporter_name: text_field(50, required=False) = ""  # type: ignore[valid-type]
    reporter_phone: text_field(20, required=False) = ""  # type: ignore[valid-type]
    reporter_id_number: text_field(18, required=False) = ""  # type: ignore[valid-type]
    address: text_field(200, required=False) = ""  # type: ignore[valid-type]
    unit: Code | None = None
    longitude: float | None = None
    latitude: float | None = None
    urgent: bool = False
    sensitive: bool = False
    # Classified at once by the reporter (a grid worker picks from the admission list):
    # the report is registered in the same transaction.
    matter: Code | None = None


class ReportIn(ReportFieldsIn):
    channel: ChannelValue
    external_ref: text_field(64, required=False) = ""  # type: ignore[valid-type]


class IntakeIn(ReportFieldsIn):
    """A report from a source system through `POST /intake/{channel}`: idempotent on
    (channel, source system, external id); the source system defaults to the caller."""

    external_id: text_field(64)  # type: ignore[valid-type]
    source_system: text_field(64, required=False) | None = None  # type: ignore[valid-type]


class RegisterIn(VersionedIn):
    matter: Code | None = None
    unit: Code | None = None


class ReasonIn(VersionedIn):
    reason: Reason


class MergeIn(VersionedIn):
    into: CaseNumber


class ResultIn(VersionedIn):
    result: LongText


class CommentIn(VersionedIn):
    comment: OptionalNote = ""


class TriageIn(VersionedIn):
    matter: Code | None = None
    colour: ColourValue | None = None
    urgent: bool | None = None
    sensitive: bool | None = None


class DispatchIn(VersionedIn):
    lead: Code
    co: list[Code] = Field(default_factory=list, max_length=20)
    joint: bool = False
    instructions: OptionalNote = ""


class EvaluateIn(VersionedIn):
    stars: int_field(1, 5)  # type: ignore[valid-type]
    rating: RatingValue
    comment: OptionalNote = ""
    reopen_lead: Code | None = None
    reopen_co: list[Code] | None = Field(default=None, max_length=20)


class RallyIn(Schema):
    need: Reason
    points: int_field(1, 100)  # type: ignore[valid-type]


class NoteIn(VersionedIn):
    note: Reason


class ReturnRequestIn(VersionedIn):
    reason: Reason
    to_town: bool = False


class ReturnDecisionIn(VersionedIn):
    approve: bool
    note: OptionalNote = ""
    redispatch_to: Code | None = None


class ExtensionRequestIn(Schema):
    extra_days: int_field(1, 60)  # type: ignore[valid-type]
    reason: Reason


class ExtensionDecisionIn(Schema):
    approve: bool
    note: OptionalNote = ""


class AttachIn(VersionedIn):
    """The file itself is the upload field `file`; `assignment` when a department attaches
    through its assignment."""

    assignment: int_field(1, 2_000_000_000) | None = None  # type: ignore[valid-type]


class ClaimIn(Schema):
    team: int


class CompleteIn(Schema):
    participants: list[text_field(150)] = Field(max_length=200)  # type: ignore[valid-type]
    outcome: Reason


class CaseSearchIn(Schema):
    status: list[StatusValue] | None = None
    matter: Code | None = None
    colour: ColourValue | None = None
    unit: Code | None = None
    channel: Code | None = None  # any code, inactive ones too: old cases stay findable
    reported_from: date | None = Field(default=None, alias="from")
    reported_to: date | None = Field(default=None, alias="to")
    q: text_field(100, required=False) | None = None  # type: ignore[valid-type]
    overdue: bool | None = None
    limit: int_field(1, 100) = 20  # type: ignore[valid-type]
    offset: int_field(0, 1_000_000) = 0  # type: ignore[valid-type]
    after: text_field(200, required=False) | None = Field(  # type: ignore[valid-type]
        default=None, description="the `next` cursor of the previous page (instead of "
        "offset: as fast on page 5,000 as on page 1)")

    def filters(self) -> selectors.CaseFilters:
        return selectors.CaseFilters(
            status=self.status or None, matter_code=self.matter, colour=self.colour,
            unit_code=self.unit, channel=self.channel, reported_from=self.reported_from,
            reported_to=self.reported_to, text=self.q or None, overdue=self.overdue)


# ---------------------------------------------------------------------------------------
# outputs


class CodeNameOut(Schema):
    code: str
    name: str


class CaseOut(Schema):
    number: str
    title: str
    channel: str
    channel_label: str
    external_ref: str
    status: str
    status_label: str
    level: str
    colour: str
    urgent: bool
    sensitive: bool
    suspended: bool
    matter_type: CodeNameOut | None
    town: CodeNameOut | None
    unit: CodeNameOut | None
    cycle: int
    reported_at: datetime
    updated_at: datetime
    evaluation_due_at: datetime | None
    version: int


class CaseListOut(Schema):
    total: int = Field(description="matching cases, counted up to 10,000 (see total_capped)")
    total_capped: bool = Field(False, description="more cases match than `total` says")
    limit: int
    offset: int
    next: str | None = Field(None, description="cursor of the next page (`after=`), "
                             "null on the last page")
    items: list[CaseOut]


class ReporterOut(Schema):
    name: str
    phone: str
    id_number: str
    masked: bool


class ExtensionRequestOut(Schema):
    id: int
    assignment_id: int
    extra_days: int
    reason: str
    status: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str


class AssignmentOut(Schema):
    id: int
    case_number: str
    department: CodeNameOut
    role: str
    cycle: int
    status: str
    status_label: str
    dispatched_at: datetime
    signed_at: datetime | None
    replied_at: datetime | None
    instructions: str
    result: str
    return_reason: str
    version: int
    extension_requests: list[ExtensionRequestOut]
    allowed_actions: list[str]


class EvaluationOut(Schema):
    cycle: int
    stars: int
    rating: str
    comment: str
    automatic: bool
    evaluated_by: str | None
    evaluated_at: datetime


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    assignment_id: int | None
    uploaded_by: str | None  # None: sent with a citizen's report (no account)
    uploaded_at: datetime
    url: str


class ClockOut(Schema):
    assignment_id: int
    department: CodeNameOut
    cycle: int
    metric: str
    due_at: datetime
    state: str
    stage: int
    working_seconds_remaining: float | None


class EventOut(Schema):
    seq: int
    actor: str | None
    action: str
    action_label: str
    from_status: str
    to_status: str
    payload: dict[str, Any]
    at: datetime


class RallyCallOut(Schema):
    id: int
    case_number: str
    case_title: str
    town: CodeNameOut
    need: str
    points: int
    status: str
    team_id: int | None
    team_name: str | None
    created_at: datetime
    claimed_at: datetime | None
    completed_at: datetime | None
    outcome: str


class CaseDetailOut(CaseOut):
    description: str
    address: str
    longitude: float | None
    latitude: float | None
    reporter: ReporterOut
    status_reason: str
    merged_into: str | None
    county: CodeNameOut
    community: CodeNameOut | None
    grid: CodeNameOut | None
    joint_enforcement: bool
    dispatched_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    assignments: list[AssignmentOut]
    evaluations: list[EvaluationOut]
    attachments: list[AttachmentOut]
    clocks: list[ClockOut]
    rally_calls: list[RallyCallOut]
    timeline: list[EventOut]
    allowed_actions: list[str]


class QueueItemOut(Schema):
    case_number: str
    title: str
    status: str
    colour: str
    urgent: bool
    reported_at: datetime
    assignment_id: int | None = None
    department: str | None = None


class QueueOut(Schema):
    key: str
    label: str
    count: int
    items: list[QueueItemOut]
    actions: list[str]  # the actions that work off this queue's items


# ---------------------------------------------------------------------------------------
# building the outputs


def code_name(obj: Any) -> CodeNameOut | None:
    return CodeNameOut(code=obj.code, name=obj.name) if obj is not None else None


def person_name(user: User | None) -> str | None:
    return str(user) if user is not None else None


def case_fields(case: Case) -> dict[str, Any]:
    return dict(
        number=case.number, title=case.title, channel=case.channel,
        channel_label=case.get_channel_display(), external_ref=case.external_ref,
        status=case.status, status_label=states.status_label(case.status), level=case.level,
        colour=case.colour, urgent=case.urgent, sensitive=case.sensitive,
        suspended=case.is_suspended, matter_type=code_name(case.matter_type),
        town=code_name(case.town), unit=code_name(case.unit), cycle=case.cycle,
        reported_at=case.reported_at, updated_at=case.updated_at,
        evaluation_due_at=case.evaluation_due_at, version=case.version)


def case_out(case: Case) -> CaseOut:
    return CaseOut(**case_fields(case))


class IntakeOut(CaseOut):
    created: bool


def intake_out(case: Case, created: bool) -> IntakeOut:
    return IntakeOut(**case_fields(case), created=created)


def extension_request_out(request: ExtensionRequest) -> ExtensionRequestOut:
    return ExtensionRequestOut(
        id=request.pk, assignment_id=request.assignment_id, extra_days=request.extra_days,
        reason=request.reason, status=request.status, requested_at=request.requested_at,
        decided_at=request.decided_at, decision_note=request.decision_note)


def assignment_out(user: User, assignment: Assignment, case: Case | None = None
                   ) -> AssignmentOut:
    case = case or assignment.case
    return AssignmentOut(
        id=assignment.pk, case_number=case.number,
        department=code_name(assignment.department), role=assignment.role,
        cycle=assignment.cycle, status=assignment.status,
        status_label=states.status_label(assignment.status),
        dispatched_at=assignment.dispatched_at, signed_at=assignment.signed_at,
        replied_at=assignment.replied_at, instructions=assignment.instructions,
        result=assignment.result, return_reason=assignment.return_reason,
        version=assignment.version,
        extension_requests=[extension_request_out(r)
                            for r in assignment.extension_requests.all()],
        allowed_actions=allowed_on_assignment(user, assignment, case))


def evaluation_out(evaluation: Evaluation) -> EvaluationOut:
    return EvaluationOut(
        cycle=evaluation.cycle, stars=evaluation.stars, rating=evaluation.rating,
        comment=evaluation.comment_text, automatic=evaluation.automatic,
        evaluated_by=person_name(evaluation.evaluated_by), evaluated_at=evaluation.evaluated_at)


def attachment_out(attachment: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.pk, name=attachment.original_name, content_type=attachment.content_type,
        size=attachment.size, sha256=attachment.sha256, assignment_id=attachment.assignment_id,
        uploaded_by=person_name(attachment.uploaded_by), uploaded_at=attachment.uploaded_at,
        url=reverse("attachment-download", args=[attachment.pk]))


def event_out(event: CaseEvent) -> EventOut:
    return EventOut(
        seq=event.seq, actor=person_name(event.actor), action=event.action,
        action_label=states.action_label(event.action), from_status=event.from_status,
        to_status=event.to_status, payload=event.payload, at=event.at)


def rally_out(rally: RallyCall) -> RallyCallOut:
    return RallyCallOut(
        id=rally.pk, case_number=rally.case.number, case_title=rally.case.title,
        town=code_name(rally.town), need=rally.need, points=rally.points, status=rally.status,
        team_id=rally.team_id, team_name=rally.team.name if rally.team else None,
        created_at=rally.created_at, claimed_at=rally.claimed_at,
        completed_at=rally.completed_at, outcome=rally.outcome)


def clock_out(clock: reads.ClockView) -> ClockOut:
    return ClockOut(
        assignment_id=clock.assignment_id,
        department=CodeNameOut(code=clock.department_code, name=clock.department_name),
        cycle=clock.cycle, metric=clock.metric, due_at=clock.due_at, state=clock.state,
        stage=clock.stage, working_seconds_remaining=clock.working_seconds_remaining)


def case_detail_out(user: User, case: Case, *, now: datetime) -> CaseDetailOut:
    reporter = access.reporter_for(user, case)
    return CaseDetailOut(
        **case_fields(case),
        description=case.description, address=case.address, longitude=case.longitude,
        latitude=case.latitude,
        reporter=ReporterOut(name=reporter.name, phone=reporter.phone,
                             id_number=reporter.id_number, masked=reporter.masked),
        status_reason=case.status_reason,
        merged_into=case.merged_into.number if case.merged_into_id else None,
        county=code_name(case.county), community=code_name(case.community),
        grid=code_name(case.grid), joint_enforcement=case.joint_enforcement,
        dispatched_at=case.dispatched_at, replied_at=case.replied_at, closed_at=case.closed_at,
        assignments=[assignment_out(user, a, case) for a in reads.case_assignments(case)],
        evaluations=[evaluation_out(e)
                     for e in case.evaluations.select_related("evaluated_by").order_by("cycle")],
        attachments=[attachment_out(a) for a in reads.case_attachments(case)],
        clocks=[clock_out(c) for c in reads.case_clocks(case, now=now)],
        rally_calls=[rally_out(r) for r in case.rally_calls.select_related(
            "case", "town", "team").order_by("created_at")],
        timeline=[event_out(e) for e in reads.case_events(case)],
        allowed_actions=allowed_on_case(user, case))


QUEUE_SIZE = 5


def case_item(case: Case, **more: Any) -> QueueItemOut:
    return QueueItemOut(case_number=case.number, title=case.title, status=case.status,
                        colour=case.colour, urgent=case.urgent, reported_at=case.reported_at,
                        **more)


def assignment_item(assignment: Assignment) -> QueueItemOut:
    return case_item(assignment.case, assignment_id=assignment.pk,
                     department=assignment.department.code)


def queues_out(user: User) -> list[QueueOut]:
    """The to-do queues of every role the user holds (empty ones included, counted 0)."""
    queues: list[tuple[str, str, Any, Callable[[Any], QueueItemOut]]] = [
        ("local", _("To handle locally"), selectors.queue_local(user), case_item),
        ("to_approve", _("To approve"), selectors.queue_to_approve(user), case_item),
        ("to_triage", _("To triage"), selectors.queue_to_triage(user), case_item),
        ("to_sign", _("To sign for"), selectors.queue_to_sign(user), assignment_item),
        ("to_handle", _("To handle"), selectors.queue_to_handle(user), assignment_item),
        ("to_evaluate", _("To evaluate"), selectors.queue_to_evaluate(user), case_item),
        ("decisions", _("Decisions"), selectors.queue_decisions(user), assignment_item),
    ]
    return [QueueOut(key=key, label=label, count=rows.count(),
                     items=[item(row) for row in rows[:QUEUE_SIZE]], actions=queue_actions(key))
            for key, label, rows, item in queues]
