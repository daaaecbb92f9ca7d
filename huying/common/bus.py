"""A small in-process bus for domain events.

A lower layer (the case lifecycle) publishes what happened; the apps above it subscribe when
they are ready (`AppConfig.ready()`), so the lower layer never names who listens.

A subscriber says when it runs:

- `Phase.IN_TRANSACTION`: synchronously, inside the publisher's transaction. Its writes
  commit with the action, and an exception it raises rolls the whole action back. For
  what must never disagree with the case (SLA clocks, ladder steps).
- `Phase.ON_COMMIT`: queued with `transaction.on_commit`, so it runs only once the action
  committed and never for one that rolled back. For effects outside the database.

Subscribers of one event run in the order they subscribed (the order of `INSTALLED_APPS`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from django.db import transaction


@dataclass(frozen=True)
class DomainEvent:
    """Base of every domain event: a frozen dataclass naming what happened, in the past
    tense."""


class Phase(enum.Enum):
    IN_TRANSACTION = "in_transaction"
    ON_COMMIT = "on_commit"


E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[E], None]


@dataclass(frozen=True)
class Subscription:
    event_type: type[DomainEvent]
    handler: Callable[[DomainEvent], None]
    phase: Phase

    @property
    def name(self) -> str:
        return f"{self.handler.__module__}.{self.handler.__qualname__}"


_subscriptions: list[Subscription] = []


def subscribe(event_type: type[E], *, when: Phase = Phase.IN_TRANSACTION
              ) -> Callable[[Handler[E]], Handler[E]]:
    """Register the decorated function for `event_type` (and its subclasses).

    Registering the same function again (a module imported twice, e.g. by a test runner)
    replaces the earlier registration instead of running it twice."""
    if not (isinstance(event_type, type) and issubclass(event_type, DomainEvent)):
        raise TypeError(f"{event_type!r} is not a DomainEvent subclass")

    def register(handler: Handler[E]) -> Handler[E]:
        subscription = Subscription(event_type, handler, when)  # type: ignore[arg-type]
        for index, existing in enumerate(_subscriptions):
            if existing.name == subscription.name and existing.event_type is event_type:
                _subscriptions[index] = subscription
                break
        else:
            _subscriptions.append(subscription)
        return handler

    return register


def subscriptions(event_type: type[DomainEvent] | None = None) -> list[Subscription]:
    """Who listens (to one event type, or to all): for the documentation test and debugging."""
    return [s for s in _subscriptions
            if event_type is None or issubclass(event_type, s.event_type)]


def publish(event: DomainEvent) -> None:
    """Tell every subscriber of the event's type; see the module docstring for the phases."""
    for subscription in subscriptions(type(event)):
        if subscription.phase is Phase.IN_TRANSACTION:
            subscription.handler(event)
        else:
            transaction.on_commit(partial(subscription.handler, event))
