"""The domain event bus: phases, rollback, subclass delivery, and a table in the docs that
names every subscriber."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from huying.common import bus
from huying.common.bus import DomainEvent, Phase, publish, subscribe

DOCS = Path(__file__).resolve().parents[3] / "docs" / "architecture.md"


@dataclass(frozen=True)
class Pinged(DomainEvent):
    name: str


@dataclass(frozen=True)
class LoudlyPinged(Pinged):
    pass


@pytest.fixture
def heard(monkeypatch) -> list[tuple[str, str]]:
    """A private registry for the test, so its subscribers never leak into other tests."""
    monkeypatch.setattr(bus, "_subscriptions", [])
    return []


def test_in_transaction_subscribers_run_at_once_and_on_commit_ones_after_commit(
        heard, transactional_db):
    @subscribe(Pinged, when=Phase.IN_TRANSACTION)
    def now(event: Pinged) -> None:
        heard.append(("now", event.name))

    @subscribe(Pinged, when=Phase.ON_COMMIT)
    def later(event: Pinged) -> None:
        heard.append(("later", event.name))

    with transaction.atomic():
        publish(Pinged("a"))
        assert heard == [("now", "a")]
    assert heard == [("now", "a"), ("later", "a")]


def test_a_rolled_back_action_runs_no_on_commit_subscriber(heard, transactional_db):
    @subscribe(Pinged, when=Phase.ON_COMMIT)
    def later(event: Pinged) -> None:
        heard.append(("later", event.name))

    with pytest.raises(RuntimeError), transaction.atomic():
        publish(Pinged("a"))
        raise RuntimeError("the action failed after publishing")
    assert heard == []


def test_a_failing_in_transaction_subscriber_rolls_the_action_back(heard, transactional_db):
    @subscribe(Pinged, when=Phase.IN_TRANSACTION)
    def refuse(event: Pinged) -> None:
        raise ValueError("no")

    with pytest.raises(ValueError), transaction.atomic():
        Group.objects.create(name="written by the action")
        publish(Pinged("a"))
    assert not Group.objects.filter(name="written by the action").exists()


def test_subscribers_of_a_base_event_hear_its_subclasses_and_run_in_order(heard):
    @subscribe(Pinged)
    def first(event: Pinged) -> None:
        heard.append(("first", type(event).__name__))

    @subscribe(LoudlyPinged)
    def second(event: Pinged) -> None:
        heard.append(("second", type(event).__name__))

    publish(LoudlyPinged("a"))
    publish(Pinged("b"))
    assert heard == [("first", "LoudlyPinged"), ("second", "LoudlyPinged"), ("first", "Pinged")]


def test_subscribing_the_same_function_twice_registers_it_once(heard):
    def once(event: Pinged) -> None:
        heard.append(("once", event.name))

    subscribe(Pinged)(once)
    subscribe(Pinged)(once)
    publish(Pinged("a"))
    assert heard == [("once", "a")]


def test_only_domain_events_can_be_subscribed_to():
    with pytest.raises(TypeError):
        subscribe(dict)


def test_every_subscriber_of_the_apps_is_in_the_architecture_table():
    section = DOCS.read_text(encoding="utf-8").split("## Domain events and subscribers")[1]
    section = section.split("\n## ")[0]
    subscribers = bus.subscriptions()
    assert len(subscribers) >= 17
    missing = [s.name for s in subscribers
               if s.handler.__name__ not in section or s.event_type.__name__ not in section]
    assert not missing, f"add these to docs/architecture.md: {missing}"
