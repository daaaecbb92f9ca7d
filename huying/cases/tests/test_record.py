"""The case record: one event per transition, hash-chained, append-only, verifiable."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from huying.cases.audit import case_chain_break
from huying.cases.models import CaseEvent
from huying.cases.tests.conftest import dispatched


def test_each_transition_appends_exactly_one_event_chained_to_the_previous(world, now):
    case, _ = dispatched(world)
    events = list(case.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert case_chain_break(case) is None


def test_events_cannot_be_changed_or_deleted_through_the_orm(world, now):
    case, _ = dispatched(world)
    event = case.events.first()
    event.payload = {"forged": True}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=case).update(action="forged")
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=case).delete()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_database_refuses_a_raw_update_of_an_event(world, now):
    case, _ = dispatched(world)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET action = 'forged' WHERE case_id = %s",
                       [case.pk])


def forge(event: CaseEvent, **changes) -> None:
    """Tamper with a stored event behind the application's back (triggers disabled)."""
    table = CaseEvent._meta.db_table
    sets = ", ".join(f"{column} = %s" for column in changes)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER cases_caseevent_no_update")
        cursor.execute(f"UPDATE {table} SET {sets} WHERE id = %s", [*changes.values(), event.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_audit_verify_names_the_first_broken_link(world, now, capsys):
    case, _ = dispatched(world)
    call_command("audit", "verify")  # a clean record verifies without error
    assert capsys.readouterr().err == ""
    third = case.events.get(seq=3)
    forge(third, action="forged")
    broken = case_chain_break(case)
    assert broken is not None and broken.seq == 3
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    err = capsys.readouterr().err
    assert case.number in err and "3" in err
