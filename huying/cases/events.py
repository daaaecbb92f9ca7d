"""The case record: one event per transition, SHA-256 hash-chained per case.

hash = SHA-256(prev_hash + canonical JSON of the event's content). Changing, removing or
reordering any event breaks every later link, which `chain_verify` reports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from huying.cases.domain_events import CaseChanged
from huying.cases.models import Case, CaseEvent
from huying.common import bus
from huying.org.models import User


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def event_content(*, case_id: int, seq: int, actor_id: int | None, action: str,
                  from_status: str, to_status: str, payload: dict[str, Any],
                  at: datetime) -> dict[str, Any]:
    return {"case": case_id, "seq": seq, "actor": actor_id, "action": action,
            "from": from_status, "to": to_status, "payload": payload,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds")}


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(content)).encode()).hexdigest()


def event_append(*, case: Case, actor: User | None, action: str, from_status: str,
                 to_status: str, now: datetime, payload: dict[str, Any] | None = None,
                 first: bool = False) -> CaseEvent:
    """Append the next event of `case`. Call inside the service's transaction, with the case
    row locked, so that two writers never take the same sequence number. `first`: the case
    was created in this transaction, so its chain is empty (no need to read it)."""
    last = None if first else (CaseEvent.objects.filter(case=case).order_by("-seq")
                               .values_list("seq", "hash").first())
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    # Round-trip the payload through JSON so the stored value hashes exactly as it was hashed.
    payload = json.loads(canonical(payload or {}))
    content = event_content(case_id=case.pk, seq=seq, actor_id=actor.pk if actor else None,
                            action=action, from_status=from_status, to_status=to_status,
                            payload=payload, at=now)
    event = CaseEvent.objects.create(
        case=case, seq=seq, actor=actor, action=action, from_status=from_status,
        to_status=to_status, payload=payload, at=now, prev_hash=prev_hash,
        hash=chain_hash(prev_hash, content))
    bus.publish(CaseChanged(case_id=case.pk, at=now))
    return event


@dataclass(frozen=True)
class BrokenLink:
    case_number: str
    seq: int
    reason: str


def chain_verify(events: Iterable[CaseEvent], case_number: str) -> BrokenLink | None:
    """The first broken link of one case's chain (events in seq order), or None."""
    prev_hash = ""
    expected_seq = 1
    for event in events:
        if event.seq != expected_seq:
            return BrokenLink(case_number, expected_seq, "missing or reordered event")
        if event.prev_hash != prev_hash:
            return BrokenLink(case_number, event.seq, "previous hash does not match")
        content = event_content(
            case_id=event.case_id, seq=event.seq, actor_id=event.actor_id, action=event.action,
            from_status=event.from_status, to_status=event.to_status, payload=event.payload,
            at=event.at)
        if chain_hash(prev_hash, content) != event.hash:
            return BrokenLink(case_number, event.seq, "content does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
    return None
