"""Source updates on a partitioned case record (`huying partition`, cases/partitioning.py):
their foreign key to the events becomes a constraint trigger that still refuses a missing
event."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from huying.cases.tests.test_partitioning import on_postgresql, partman  # noqa: F401
from huying.notifications.models import SourceUpdate
from huying.notifications.tests.test_sources import answering, filed


@on_postgresql
@pytest.mark.usefixtures("partman")
def test_source_updates_are_still_recorded_and_must_name_an_existing_event(world):
    call_command("partition", "setup")
    answering("12345")
    filed(world, "12345-0001")  # registering tells the hotline, through a source update
    update = SourceUpdate.objects.get(external_id="12345-0001")
    assert update.event.action == "register"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE confrelid ="
                       " 'cases_caseevent'::regclass")
        assert cursor.fetchone()[0] == 0  # no foreign key can reference a partitioned (id)
    # The constraint trigger is deferred like the foreign key was: it fires at the check.
    with pytest.raises(DatabaseError, match="is not present"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE notifications_sourceupdate SET event_id = -1 WHERE id = %s",
                       [update.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
