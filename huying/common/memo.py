"""Reads that almost never change and are asked for on every write — the channel registry,
the lists in force, the working calendar, the related matter types — kept in the process
between requests instead of read again each time.

Each group of remembered values has a generation number in Django's cache. `forget(group)`
raises it once the transaction commits (so no process reloads the old rows in between) and
drops this process's copy; every other process sees the new number on its next read and
loads again. With Redis (`REDIS_URL`, production) that happens at once in every process;
with the default per-process cache (the demo, tests) another process notices after
`MAX_AGE` seconds at the latest, which bounds how stale a copy can ever be.

Writes that bypass the models' signals (`QuerySet.update`, `bulk_create`) must call
`forget` themselves; the apps connect `post_save`/`post_delete` of their models to it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

MAX_AGE = 60.0  # seconds a copy lives without a check against another process's change
_PREFIX = "huying:memo:"
_lock = threading.Lock()
# group → (generation it was loaded under, loaded at (monotonic), key → value)
_copies: dict[str, tuple[int, float, dict[Hashable, object]]] = {}


def _generation(group: str) -> int:
    return int(cache.get(_PREFIX + group) or 0)


def remembered(group: str, key: Hashable, load: Callable[[], T]) -> T:
    """The value of `key` in `group`, loaded by `load()` the first time and after each
    `forget(group)` (here or in another process) or `MAX_AGE`."""
    generation = _generation(group)
    now = time.monotonic()
    copy = _copies.get(group)
    if copy is None or copy[0] != generation or now - copy[1] > MAX_AGE:
        copy = (generation, now, {})
        with _lock:
            _copies[group] = copy
    values = copy[2]
    if key not in values:
        values[key] = load()
    return values[key]  # type: ignore[return-value]


def _raise_generation(group: str) -> None:
    try:
        cache.incr(_PREFIX + group)
    except ValueError:  # never set: the first change
        cache.set(_PREFIX + group, _generation(group) + 1, timeout=None)
    with _lock:
        _copies.pop(group, None)


def forget(group: str) -> None:
    """The rows behind `group` changed: every process loads them again, after the commit
    when inside a transaction."""
    with _lock:
        _copies.pop(group, None)
    transaction.on_commit(lambda: _raise_generation(group))


def forget_all_here() -> None:
    """Drop this process's copies (tests start each from the database they see)."""
    with _lock:
        _copies.clear()


def forget_on_change(group: str, *models: type) -> None:
    """Forget `group` whenever a row of one of `models` is saved or deleted (admin edits
    included); called from the apps' `ready`."""
    from django.db.models.signals import post_delete, post_save

    def changed(**_kwargs: object) -> None:
        forget(group)

    # the receivers must outlive this call: signals keep weak references by default
    for model in models:
        post_save.connect(changed, sender=model, weak=False,
                          dispatch_uid=f"memo:{group}:{model.__name__}:save")
        post_delete.connect(changed, sender=model, weak=False,
                            dispatch_uid=f"memo:{group}:{model.__name__}:delete")
