"""The action registry is the one declaration of each action: these check that what is
derived from it (routes, labels, queues, page fields) is complete and consistent."""

from __future__ import annotations

import pytest

from huying.cases import states
from huying.cases.actions.base import (
    FORM_CARRIED_FIELDS,
    REGISTRY,
    Action,
    Target,
    Widget,
    declare,
)
from huying.cases.schemas import ReasonIn, case_out

QUEUES = {"local", "to_approve", "to_triage", "to_sign", "to_handle", "to_evaluate",
          "decisions"}


def test_every_transition_a_user_may_take_belongs_to_an_action():
    """A transition with grants but no action would be a rule nobody can reach."""
    declared = {(a.machine.name, t) for a in REGISTRY.values() for t in a.transitions}
    for machine in (states.CASE, states.ASSIGNMENT, states.RALLY):
        for name, transition in machine.transitions.items():
            if transition.grants and any(g.roles or g.scope == states.Scope.TEAM
                                         for g in transition.grants):
                assert (machine.name, name) in declared, f"{machine.name}.{name} has no action"


def test_every_action_has_a_route_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    for action in REGISTRY.values():
        assert f"{action.target}_{action.name}" in operations


def test_every_queue_an_action_names_is_a_real_queue():
    assert {a.queue for a in REGISTRY.values() if a.queue} <= QUEUES


@pytest.mark.parametrize("name", sorted(n for n, a in REGISTRY.items() if a.page))
def test_every_page_field_of_an_action_has_a_widget(name):
    action = REGISTRY[name]
    shown = set(action.input.model_fields) - FORM_CARRIED_FIELDS
    assert shown <= set(action.widgets), f"{name}: fields without a widget"
    if action.files:
        assert action.files in action.widgets


def test_every_transition_and_event_has_a_chinese_label():
    from django.utils import translation

    with translation.override("zh-hans"):
        for machine in (states.CASE, states.ASSIGNMENT, states.RALLY):
            for name in machine.transitions:
                label = states.action_label(name)
                assert label != name and not label.isascii(), name


def test_an_action_is_declared_once_and_only_with_known_transitions():
    sign = REGISTRY["sign"]
    with pytest.raises(ValueError, match="twice"):
        declare(sign)
    with pytest.raises(ValueError, match="unknown transitions"):
        declare(Action(name="teleport", label="x", target=Target.CASE,
                       transitions=("teleport",), input=ReasonIn, perform=lambda c, b: None,
                       output=lambda u, r: case_out(r), response=None))
    with pytest.raises(ValueError, match="widgets for unknown fields"):
        declare(Action(name="reject_again", label="x", target=Target.CASE,
                       transitions=("reject",), input=ReasonIn, perform=lambda c, b: None,
                       output=lambda u, r: case_out(r), response=None,
                       widgets={"colour": Widget("x")}))
    assert "teleport" not in REGISTRY and "reject_again" not in REGISTRY


def test_the_architecture_document_names_every_action():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "architecture.md").read_text()
    missing = [name for name in REGISTRY if f"| `{name}` |" not in doc]
    assert not missing, f"docs/architecture.md has no row for {missing}"
