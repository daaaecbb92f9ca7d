"""`cases/access.py`: whose personal data is shown in full, and which county a user has."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from huying.cases import access
from huying.cases.tests.conftest import dispatched
from huying.org import services as org
from huying.org.models import Level


def test_personal_data_is_full_only_for_those_who_contact_the_reporter(world, now):
    case, _assignments = dispatched(world, lead="D05", co=("D25",))
    # Co-handlers, leaders, the grid and other departments read masks; the centre, the
    # reporter and the lead department (who call the reporter back) read it in full.
    full = {name for name in ("admin", "supervisor", "initiator_a", "responder_d05",
                              "responder_d25", "leader", "grid_a", "responder_d07",
                              "responder_d01")
            if access.may_see_personal_data(world.user(name), case)}
    assert full == {"admin", "supervisor", "initiator_a", "responder_d05"}
    assert not access.may_see_personal_data(AnonymousUser(), case)


def test_a_masked_reporter_keeps_only_what_identifies_nobody(world, now):
    case, _assignments = dispatched(world)
    masked = access.reporter_for(world.user("leader"), case)
    assert masked.masked
    assert (masked.name, masked.phone) == ("张*", "139****5678")
    shown = access.reporter_for(world.user("supervisor"), case)
    assert not shown.masked and shown.phone == "13912345678"


def test_a_user_with_no_place_has_no_county_rather_than_the_first_one(world, now):
    stranger = org.user_create(actor=None, username="stranger", full_name="stranger",
                               password="x-pass-2026", now=now)
    assert access.county_of(stranger) is None
    assert access.county_of(world.user("responder_d05")) == world.county
    assert access.county_of(world.user("grid_a")) == world.county


def test_an_administrator_without_a_place_gets_the_only_county_but_not_one_of_several(
        world, now):
    assert access.county_of(world.user("admin")) == world.county
    org.unit_create(actor=None, parent=None, level=Level.COUNTY, name="另一市", code="371098",
                    now=now)
    assert access.county_of(world.user("admin")) is None
