"""Cases (事项), their assignments to departments (派单), evaluations, attachments and the
append-only, hash-chained event record (工作事项全记录).

States and who may move them live in `states.py`; every write is a service in `services.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from huying.catalog.models import Colour, MatterType
from huying.common import memo


class ChannelKind(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    GRID_APP = "grid_app", _("Grid app")
    CITY_MANAGEMENT = "city_management", _("Digital city management")
    MINSHENG_110 = "minsheng_110", _("Minsheng 110")
    PETITION = "petition", _("Petition")
    WEB_APP = "web_app", _("Web and app")
    OPEN311 = "open311", _("Open311")
    OTHER_HOTLINE = "other_hotline", _("Other hotline")
    PLATFORM = "platform", _("Reported on the platform")


class Channel(models.Model):
    """A channel cases arrive through (渠道): the 12345 hotline, the grid app, digital city
    management, the other hotlines each on its own row, 民生110, petitions, web/app, Open311.
    Data, not code, so the county adds a channel in the admin; `Case.channel` stores `code`."""

    # The codes the platform itself files under (its own pages, the demo); every other code
    # exists only as a row.
    HOTLINE_12345 = "12345"
    GRID = "grid"
    CITY_MANAGEMENT = "city_management"
    MINSHENG_110 = "minsheng_110"
    PETITION = "petition"
    OTHER_HOTLINE = "other_hotline"
    WEB = "web"
    TOWN = "town"
    OPEN311 = "open311"

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    hotline_number = models.CharField(_("hotline number"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    must_answer_back = models.BooleanField(_("must be answered back"), default=False)
    outbound_url = models.URLField(_("outbound endpoint"), max_length=500, blank=True)
    # The shared secret the status webhook to `outbound_url` is signed with (HMAC-SHA256).
    outbound_secret = models.CharField(_("outbound signing secret"), max_length=128,
                                       blank=True)
    default_matter_code = models.CharField(
        _("default matter type"), max_length=32, blank=True,
        help_text=_("A report taken in without a matter type is registered under this "
                    "one; left empty, it waits for the command centre to classify it."))

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.default_matter_code and not MatterType.objects.filter(
                code=self.default_matter_code).exists():
            raise ValidationError({"default_matter_code": gettext(
                "No matter type has the code %(code)s.") % {"code": self.default_matter_code}})


# code -> name, read once a minute per process (at once after a save in this process):
# every case summary shows its channel's name, and channels change a few times a year.
CHANNELS = "channels"  # the memo group of the registry


@dataclass(frozen=True)
class ChannelEntry:
    name: str
    active: bool


def channel_registry() -> dict[str, ChannelEntry]:
    """Every channel of the registry by code, remembered between requests (`common.memo`;
    forgotten when a channel is saved)."""
    return memo.remembered(CHANNELS, None, lambda: {
        code: ChannelEntry(name=name, active=active) for code, name, active in
        Channel.objects.values_list("code", "name", "active")})


def channel_label(code: str) -> str:
    """The registry's name for a channel code; the code itself when no row has it."""
    entry = channel_registry().get(code)
    return entry.name if entry is not None else code


def channel_is_active(code: str) -> bool:
    entry = channel_registry().get(code)
    return entry is not None and entry.active


class ChannelKey(models.Model):
    """An API token bound to one channel and one source system (来源系统): the 12345
    platform's key may take reports in through `12345` only and only as itself, so no
    caller files under another system's ids. Open311's `api_key` is such a token."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="keys",
                                verbose_name=_("channel"))
    token = models.OneToOneField("common.ApiToken", on_delete=models.CASCADE,
                                 related_name="channel_key", verbose_name=_("API token"))
    source_system = models.CharField(_("source system"), max_length=64)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("channel key")
        verbose_name_plural = _("channel keys")

    def __str__(self) -> str:
        return f"{self.channel.code}/{self.source_system}"


class IntakeRecord(models.Model):
    """One report taken in from a source system (来源系统), keyed by the system's own id: the
    same id again is answered with the same case, a different payload under it is a
    conflict. Keyed per source system so two callers' ids never collide."""

    channel = models.CharField(_("channel"), max_length=32)
    source_system = models.CharField(_("source system"), max_length=64)
    external_id = models.CharField(_("external id"), max_length=64)
    payload_sha256 = models.CharField(_("payload SHA-256"), max_length=64)
    case = models.ForeignKey("Case", on_delete=models.PROTECT, related_name="intakes",
                             verbose_name=_("case"))
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("intake record")
        verbose_name_plural = _("intake records")
        constraints = [
            models.UniqueConstraint(fields=["channel", "source_system", "external_id"],
                                    name="intake_unique_channel_source_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}/{self.source_system}/{self.external_id}"


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")
    LOCAL = "local", _("Handled locally")
    RESOLVED = "resolved", _("Resolved locally")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting town approval")
    TRIAGE = "triage", _("Awaiting triage")
    DISPATCHED = "dispatched", _("Dispatched")
    REPLIED = "replied", _("Replied, awaiting evaluation")
    CLOSED = "closed", _("Closed")


class CaseLevel(models.TextChoices):
    """How far up the three-level response a case has gone."""

    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    TOWN = "town", _("Town/street")
    COUNTY = "county", _("County")


LEVEL_ORDER = [CaseLevel.GRID, CaseLevel.COMMUNITY, CaseLevel.TOWN, CaseLevel.COUNTY]


class CaseNumberCounter(models.Model):
    """Per-day sequence behind case numbers such as HY-20260522-000123."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=32)  # a Channel.code
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    reporter_id_number = models.CharField(_("reporter ID number"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)

    # The territorial units the case lies in, resolved once when it is located, so that
    # scoping ("my town's cases") is an indexed equality, not a tree walk.
    county = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county"))
    town = models.ForeignKey("org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("town/street"))
    community = models.ForeignKey("org.OrgUnit", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community/village"))
    grid = models.ForeignKey("org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("grid"))
    unit = models.ForeignKey("org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="located_cases", verbose_name=_("located unit"))

    matter_type = models.ForeignKey("catalog.MatterType", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="cases",
                                    verbose_name=_("matter type"))
    colour = models.CharField(_("colour"), max_length=16, choices=Colour.choices, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    sensitive = models.BooleanField(_("stability-sensitive"), default=False)
    joint_enforcement = models.BooleanField(_("joint enforcement"), default=False)
    level = models.CharField(_("level reached"), max_length=16, choices=CaseLevel.choices,
                             default=CaseLevel.GRID)
    status = models.CharField(_("status"), max_length=32, choices=CaseStatus.choices,
                              default=CaseStatus.REPORTED)
    status_reason = models.TextField(_("reason"), blank=True)
    cycle = models.PositiveIntegerField(_("handling cycle"), default=0)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_cases", verbose_name=_("merged into"))
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    evaluation_due_at = models.DateTimeField(_("evaluation due"), null=True, blank=True)

    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reported_cases",
                                    verbose_name=_("reported by"))
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="called_cases",
                                  verbose_name=_("called by"))
    reported_at = models.DateTimeField(_("reported at"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        # Idempotency lives in IntakeRecord, keyed per source system: two callers may use
        # the same external reference on one channel.
        indexes = [
            models.Index(fields=["channel", "external_ref"]),
            models.Index(fields=["county", "status", "reported_at"]),
            models.Index(fields=["town", "status"]),
            models.Index(fields=["grid", "status"]),
            models.Index(fields=["status", "evaluation_due_at"]),
            # period filters: slips, warnings, Open311, duplicates' window, the lists
            models.Index(fields=["county", "reported_at"]),
            # a grid worker's reports of a period (assessment of the grid)
            models.Index(fields=["reported_by", "reported_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_channel_display(self) -> str:
        return channel_label(self.channel)

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead department")
    CO = "co", _("Co-handler")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting signature")
    SIGNED = "signed", _("Signed, in hand")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    RETURNED = "returned", _("Returned")
    REPLIED = "replied", _("Replied")
    CANCELLED = "cancelled", _("Cancelled")


class Assignment(models.Model):
    """One department's share of one handling cycle of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments",
                             verbose_name=_("case"))
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT,
                                    related_name="assignments", verbose_name=_("department"))
    role = models.CharField(_("role"), max_length=8, choices=AssignmentRole.choices)
    cycle = models.PositiveIntegerField(_("handling cycle"))
    status = models.CharField(_("status"), max_length=32, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.PENDING)
    dispatched_at = models.DateTimeField(_("dispatched at"))
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("dispatched by"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("signed by"))
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("replied by"))
    result = models.TextField(_("result"), blank=True)
    return_reason = models.TextField(_("return reason"), blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["case", "cycle", "role", "id"]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["case", "cycle"]),
            # a department's work of a period (rankings)
            models.Index(fields=["department", "dispatched_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.department}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending decision")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")


class ExtensionRequest(models.Model):
    """A department's request for more time (延期), decided by the command centre."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE,
                                   related_name="extension_requests",
                                   verbose_name=_("assignment"))
    reason = models.TextField(_("reason"))
    extra_days = models.PositiveIntegerField(_("extra working days"))
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=models.Q(status="pending"),
                                    name="one_pending_extension_per_assignment"),
        ]


class Rating(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Evaluation(models.Model):
    """The initiator's judgment of one handling cycle (评价)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evaluations",
                             verbose_name=_("case"))
    cycle = models.PositiveIntegerField(_("handling cycle"))
    stars = models.PositiveSmallIntegerField(_("stars"))
    rating = models.CharField(_("rating"), max_length=32, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    automatic = models.BooleanField(_("automatic"), default=False)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("evaluated by"))
    evaluated_at = models.DateTimeField(_("evaluated at"))

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [models.UniqueConstraint(fields=["case", "cycle"],
                                               name="one_evaluation_per_cycle")]
        indexes = [models.Index(fields=["evaluated_at"])]  # the evaluations of a period

    @property
    def comment_text(self) -> str:
        """The comment as shown: an automatic evaluation stores no words of its own, so its
        note is rendered in the reader's language when read."""
        if self.comment or not self.automatic:
            return self.comment
        return gettext(AUTOMATIC_EVALUATION_NOTE)


AUTOMATIC_EVALUATION_NOTE = gettext_noop("Not evaluated in time")


class Attachment(models.Model):
    """A photo or document; the file lives under HUYING_VAR_DIR/uploads, outside the web
    root, and is served only through a view that checks case visibility."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments",
                             verbose_name=_("case"))
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="attachments", verbose_name=_("assignment"))
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    # None: attached by the platform, e.g. the photos a citizen sends with a report from the
    # H5 page (the citizen has no account).
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("case events are append-only")

    def delete(self):  # type: ignore[override]
        raise PermissionError("case events are append-only")


class CaseEvent(models.Model):
    """One transition of a case, hash-chained to the previous event of the same case.

    Append-only: the ORM refuses updates and deletes, and database triggers refuse them too
    (migration 0002), so the record holds even against raw SQL from the application.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events",
                             verbose_name=_("case"))
    seq = models.PositiveIntegerField(_("sequence"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))
    action = models.CharField(_("action"), max_length=48)
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="event_seq_unique")]
        indexes = [models.Index(fields=["action", "at"])]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise PermissionError("case events are append-only")


class RallyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class RallyCall(models.Model):
    """A town's rally call (集结号) to volunteer teams for a need beyond government duty."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rally_calls",
                             verbose_name=_("case"))
    town = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town/street"))
    need = models.TextField(_("need"))
    points = models.PositiveIntegerField(_("credit points per volunteer"))
    status = models.CharField(_("status"), max_length=16, choices=RallyStatus.choices,
                              default=RallyStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("sounded by"))
    created_at = models.DateTimeField(_("created at"))
    team = models.ForeignKey("org.VolunteerTeam", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="rally_calls",
                             verbose_name=_("team"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("rally call")
        verbose_name_plural = _("rally calls")
        ordering = ["-created_at"]


class CreditEntry(models.Model):
    """A volunteer's credit points (信用积分) earned on a rally call; the ledger is the truth
    and a volunteer's balance is its sum."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="credit_entries", verbose_name=_("volunteer"))
    team = models.ForeignKey("org.VolunteerTeam", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("team"))
    rally = models.ForeignKey(RallyCall, on_delete=models.PROTECT, related_name="credits",
                              verbose_name=_("rally call"))
    points = models.IntegerField(_("points"))
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        constraints = [models.UniqueConstraint(fields=["rally", "user"],
                                               name="one_credit_per_rally_and_volunteer")]

