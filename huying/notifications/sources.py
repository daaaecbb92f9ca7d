"""Answering the source systems (回复来源系统): every status change of a case becomes one
`SourceUpdate` per report of it taken in through a channel that must be answered back,
written in the case action's own transaction (so a rolled-back action tells nobody) and
handed to huey only after commit.

A duplicate merged into a master keeps its intake records; its sources are told the merge
(status `merged`, the master's number and status) and from then on every change of the
master, under their own external ids, through any chain of merges. Each (report, case
event) pair is one row at most, so no source hears the same change twice.

What a source is told is what it needs to answer the person who called: the status, the
public result when the case is replied, resolved, closed or rejected, the satisfaction
rating of a close, the event's time and its record hash. Never a staff member's name nor
any personal data beyond what the source itself sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from huying.cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    IntakeRecord,
)
from huying.common.errors import PermissionDenied, ValidationFailed
from huying.notifications.models import SourceUpdate, UpdateStatus
from huying.notifications.tasks import source_update_deliver
from huying.org.models import User
from huying.org.selectors import is_admin

log = logging.getLogger(__name__)

# The statuses whose answer carries a result the source passes on to the caller.
ANSWERED = {CaseStatus.REPLIED, CaseStatus.CLOSED}
REASONED = {CaseStatus.RESOLVED, CaseStatus.REJECTED}


def followers_of(case: Case) -> RawSQL:
    """The case and every case merged into it, through chains of merges: the cases whose
    sources hear this case's changes. A recursive subquery (both databases have `WITH
    RECURSIVE`) served by the index on `merged_into`, so a change with no merges costs no
    statement of its own."""
    table = Case._meta.db_table
    parent = Case._meta.get_field("merged_into").column
    return RawSQL(f"WITH RECURSIVE followers(id) AS (SELECT CAST(%s AS BIGINT) UNION "
                  f"SELECT c.id FROM {table} c JOIN followers f ON c.{parent} = f.id) "
                  f"SELECT id FROM followers", [case.pk])


def public_result(case: Case, status: str) -> str:
    """The answer a source passes on: the lead departments' replies of the current cycle
    for a replied or closed case, the recorded result or reason for one resolved locally or
    rejected; nothing otherwise."""
    if status in ANSWERED:
        replies = (Assignment.objects.filter(case=case, cycle=case.cycle,
                                             role=AssignmentRole.LEAD,
                                             status=AssignmentStatus.REPLIED)
                   .order_by("replied_at", "pk").values_list("result", flat=True))
        return "\n".join(r for r in replies if r)
    if status in REASONED:
        return case.status_reason
    return ""


def _payload(*, record: IntakeRecord, case: Case, master: Case, status: str, result: str,
             event: CaseEvent, master_result: str | None) -> dict:
    merged = status == CaseStatus.MERGED
    payload = {
        "channel": record.channel,
        "source_system": record.source_system,
        "external_id": record.external_id,
        "case_number": record.case.number,
        # The case that carries the report on, when it is not the report's own case.
        "master_number": master.number if master.pk != record.case_id else None,
        "status": status,
        "result": result,
        "rating": event.payload.get("rating") if status == CaseStatus.CLOSED else None,
        "event": event.action,
        "event_at": event.at.astimezone(UTC).isoformat(),
        "record_hash": event.hash,
    }
    if merged:
        payload |= {"master_status": master.status, "master_result": master_result}
    return payload


def source_updates_record(*, case: Case, to_status: str, event: CaseEvent, now: datetime
                          ) -> list[SourceUpdate]:
    """Write the updates of one status change of `case` for every report of it and of the
    cases merged into it that came through a channel answering back; enqueue them on
    commit. Call inside the case action's transaction. A constant number of queries
    whatever the number of reports and of levels of merging."""
    records = list(IntakeRecord.objects.filter(case_id__in=followers_of(case))
                   .select_related("case").order_by("pk"))
    if not records:
        return []
    # Locking the channel rows (in a fixed order, after the case rows the action holds)
    # makes the ids of one channel's updates grow in commit order: the pull cursor.
    channels = {c.code: c for c in Channel.objects.select_for_update()
                .filter(code__in={r.channel for r in records}, must_answer_back=True)
                .order_by("pk")}
    records = [r for r in records if r.channel in channels]
    if not records:
        return []
    # A merged case carries on as its master; any other case that changes is not merged.
    master = case.merged_into if to_status == CaseStatus.MERGED and case.merged_into else case
    result = public_result(case, to_status)
    master_result = (public_result(master, master.status)
                     if to_status == CaseStatus.MERGED else None)
    rows = []
    for record in records:
        channel = channels[record.channel]
        push = bool(channel.outbound_url)
        rows.append(SourceUpdate(
            channel=channel, intake=record, source_system=record.source_system,
            external_id=record.external_id, case_number=record.case.number, event=event,
            case_status=to_status, created_at=now, url=channel.outbound_url,
            payload=_payload(record=record, case=case, master=master, status=to_status,
                             result=result, event=event, master_result=master_result),
            status=UpdateStatus.PENDING if push else UpdateStatus.PULL_ONLY,
            next_attempt_at=now if push else None))
    created = SourceUpdate.objects.bulk_create(rows)
    ids = [u.pk for u in created if u.status == UpdateStatus.PENDING and u.pk is not None]
    if len(ids) != sum(u.status == UpdateStatus.PENDING for u in created):
        # A backend that returns no ids from bulk_create: the periodic pass sends them.
        ids = []
    if ids:
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return created


def _enqueue(update_ids: list[int]) -> None:
    """Hand the updates to huey; if the queue is unreachable the rows stay pending and the
    periodic pass sends them."""
    try:
        source_update_deliver(update_ids)
    except Exception:  # the case action has committed; never undo it
        log.exception("could not enqueue source updates %s", update_ids)


@transaction.atomic
def source_updates_replay(*, actor: User, updates: Iterable[SourceUpdate], now: datetime
                          ) -> list[int]:
    """Queue chosen updates to be sent again as they were (same id, so the receiver can
    deduplicate), from a fresh set of attempts; recorded on each row (who, when, how many
    times). Admins only. Rows of a channel without an endpoint cannot be pushed and are
    refused. Returns the ids queued."""
    if not is_admin(actor):
        raise PermissionDenied(_("Only administrators may replay source updates."))
    ids = sorted({u.pk for u in updates})
    if not ids:
        raise ValidationFailed(_("Choose the updates to send again."), field="updates")
    unpushable = list(SourceUpdate.objects.filter(pk__in=ids, channel__outbound_url="")
                      .values_list("pk", flat=True)[:10])
    if unpushable:
        raise ValidationFailed(
            _("Updates %(ids)s belong to a channel without an outbound endpoint; set the "
              "channel's endpoint first.") % {"ids": ", ".join(map(str, unpushable))},
            field="updates")
    SourceUpdate.objects.filter(pk__in=ids).update(
        status=UpdateStatus.PENDING, attempts=0, next_attempt_at=now, last_error="",
        replays=F("replays") + 1, replayed_at=now, replayed_by=actor)
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return ids
