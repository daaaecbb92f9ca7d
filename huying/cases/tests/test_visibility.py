"""Who sees which cases, and whose personal data is masked."""

from __future__ import annotations

from huying.cases import services as cs
from huying.cases.selectors import cases_visible_to, reporter_for
from huying.cases.tests.conftest import dispatched, report


def visible(world, name):
    return set(cases_visible_to(world.user(name)).values_list("number", flat=True))


def test_each_role_sees_only_its_own_place(world, now):
    in_a = report(world, grid=0)
    in_b = report(world, by="initiator_b", grid=2)
    both = {in_a.number, in_b.number}
    assert visible(world, "grid_a") == {in_a.number}
    assert visible(world, "grid_a2") == set()  # the other grid of the same community
    assert visible(world, "grid_b") == {in_b.number}
    assert visible(world, "initiator_a") == {in_a.number}
    assert visible(world, "reviewer_b") == {in_b.number}
    assert visible(world, "supervisor") == both
    assert visible(world, "leader") == both
    assert visible(world, "admin") == both
    assert visible(world, "responder_d05") == set()


def test_a_department_sees_the_cases_assigned_to_it_and_keeps_seeing_them(world, now):
    case, (lead, _co) = dispatched(world)
    assert case.number in visible(world, "responder_d05")
    assert case.number in visible(world, "responder_d25")
    assert case.number not in visible(world, "responder_d07")
    cs.assignment_request_return(assignment=lead, actor=world.user("responder_d05"),
                                 reason="非本部门", now=now)
    cs.assignment_decide_return(assignment=lead, actor=world.user("supervisor"), approve=True,
                                redispatch_to=world.dept("D07"), now=now)
    assert case.number in visible(world, "responder_d07")
    assert case.number in visible(world, "responder_d05")  # its own past work stays visible


def test_phone_is_full_for_the_centre_and_lead_masked_for_co_handlers_and_leaders(world, now):
    case, _ = dispatched(world)
    assert reporter_for(world.user("supervisor"), case).phone == "13912345678"
    assert reporter_for(world.user("responder_d05"), case).phone == "13912345678"
    co_view = reporter_for(world.user("responder_d25"), case)
    assert co_view.masked and co_view.phone == "139****5678" and co_view.name == "张*"
    assert reporter_for(world.user("leader"), case).phone == "139****5678"
    assert reporter_for(world.user("initiator_a"), case).phone == "13912345678"  # reported it


def test_ones_own_report_outside_ones_place_stays_visible_and_the_county_filter_has_no_or(
        world, now):
    from huying.cases.models import Case

    moved = report(world, grid=0)  # reported by initiator_a of town A …
    Case.objects.filter(pk=moved.pk).update(town=world.grids[2].parent.parent,  # … now in B
                                            community=world.grids[2].parent,
                                            grid=world.grids[2], unit=world.grids[2])
    assert moved.number in visible(world, "initiator_a")
    assert visible(world, "grid_a") == set()  # the grid sees its place, not the reporter's
    # A county-wide role's filter is its territory alone: an index on (county, reported_at)
    # serves a list sorted by time.
    sql = str(cases_visible_to(world.user("leader")).query).upper()
    assert " OR " not in sql and "EXISTS" not in sql
