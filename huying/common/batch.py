"""Batch mode: a long-running command (an import, the demo's simulation) that writes many
cases tells the after-commit listeners to leave per-case follow-up work to the periodic jobs,
which do it a chunk at a time. Per thread, so a web request beside it is not affected."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_state = threading.local()


@contextmanager
def batch_mode() -> Iterator[None]:
    before = getattr(_state, "active", False)
    _state.active = True
    try:
        yield
    finally:
        _state.active = before


def in_batch() -> bool:
    return getattr(_state, "active", False)
