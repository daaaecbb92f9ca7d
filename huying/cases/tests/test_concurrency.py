"""Concurrent conflicting actions: one wins, the other is refused and nothing changes."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from huying.cases import services as cs
from huying.cases.models import AssignmentStatus
from huying.cases.tests.conftest import dispatched
from huying.common.errors import StaleVersion, TransitionNotAllowed


def test_an_action_on_a_stale_version_is_refused(world, now):
    case, _ = dispatched(world)
    seen = case.version
    cs.case_suspend(case=case, actor=world.user("supervisor"), reason="待协调", now=now)
    with pytest.raises(StaleVersion):
        cs.case_resume(case=case, actor=world.user("supervisor"), now=now, expected_version=seen)


@pytest.mark.django_db(transaction=True)
def test_two_responders_signing_at_once_one_wins(now):
    from huying.common.tests.factories import build_world

    world = build_world(now)
    _case, (lead, _co) = dispatched(world)
    signers = [world.user("responder_d05"), world.user("head_d05")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign(user):
        close_old_connections()
        try:
            barrier.wait()
            cs.assignment_sign(assignment=lead, actor=user, now=now)
            outcomes.append("signed")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(u,)) for u in signers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lead.refresh_from_db()
    assert sorted(outcomes) == ["refused", "signed"]
    assert lead.status == AssignmentStatus.SIGNED
    assert lead.case.events.filter(action="sign").count() == 1
