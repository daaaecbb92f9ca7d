"""Analytics reads on the read replica (只读副本), and nothing else there.

`DATABASE_REPLICA_URL` adds the `replica` alias (huying/settings.py). Reads go to it only
inside `analytics_reads()` — a context manager for commands, `analytics_reads_view` for a
view or a Ninja router's handlers — and only while, inside that context:

- no write has been routed (a save, update, delete or `select_for_update` pins the rest of
  the context to `default`: what was just written is read back from where it was written);
- no transaction is open on `default` (its reads must see its own uncommitted rows);
- the replica answered when the context began (else it is left alone for `RETRY_SECONDS`
  and the reads fall back to `default`, with a warning and `huying_replica_fallbacks_total`).

Writes always go to `default`, migrations only run there, and outside a context every read
goes to `default` — even the lazy relation of an object read from the replica. A replica
lags the primary by the seconds of its replication: a figure on the big screen or a
membership checked inside the context may be that old, never a case the user just changed.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import prometheus_client
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
# After the replica failed to answer, this process leaves it alone for so long (seconds):
# a dead replica costs one connect timeout per process and interval, not one per request.
RETRY_SECONDS = 30.0
SAFE_METHODS = frozenset({"GET", "HEAD"})

FALLBACKS = prometheus_client.Counter(
    "huying_replica_fallbacks",
    "Analytics reads that went to the primary because the read replica did not answer "
    "(reason=unreachable) or had not caught up with the primary (reason=lagging).",
    ["reason"])

clock: Callable[[], float] = time.monotonic  # tests move it


@dataclass
class _Reads:
    alias: str           # where this context's reads go while nothing pins them
    pinned: bool = False  # a write was routed inside the context: default from then on


_reads: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar(
    "huying_analytics_reads", default=None)
_down_lock = threading.Lock()
_down_until = 0.0


def replica_configured() -> bool:
    return bool(getattr(settings, "HUYING_REPLICA_READS", False)) and REPLICA in settings.DATABASES


def replica_down(reason: str, error: BaseException | str) -> None:
    """Record that the replica failed: warn, count, and leave it alone for a while."""
    global _down_until
    with _down_lock:
        _down_until = clock() + RETRY_SECONDS
    FALLBACKS.labels(reason=reason).inc()
    log.warning("read replica %s, analytics reads fall back to the primary for %.0f s: %s",
                reason, RETRY_SECONDS, error)


def replica_forget_failures() -> None:
    """Try the replica again at the next context (tests, and an operator's shell)."""
    global _down_until
    with _down_lock:
        _down_until = 0.0


def _replica_answers() -> bool:
    if clock() < _down_until:
        return False
    connection = connections[REPLICA]
    try:
        connection.ensure_connection()
    except OperationalError as error:
        connection.close()
        replica_down("unreachable", error)
        return False
    return True


def _caught_up(wait_seconds: float) -> bool:
    """Whether the replica has replayed everything the primary wrote so far, waiting up to
    `wait_seconds`: for a reader (`analytics verify`) that just wrote on the primary.
    A replica that is not in recovery (a test mirror, SQLite) has nothing to catch up."""
    primary = connections[DEFAULT_DB_ALIAS]
    if primary.vendor != "postgresql" or connections[REPLICA].vendor != "postgresql":
        return True
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        if cursor.fetchone()[0]:
            return True  # `default` is itself a standby: nothing of ours to wait for
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = clock() + wait_seconds
    while True:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT NOT pg_is_in_recovery() "
                           "OR pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return True
        if clock() >= deadline:
            return False
        time.sleep(0.2)


@contextmanager
def analytics_reads(*, catch_up_seconds: float = 0.0) -> Iterator[None]:
    """Inside: reads go to the replica (see the module). `catch_up_seconds`: first wait so
    long for the replica to replay what the primary has written, else use the primary."""
    if _reads.get() is not None:  # nested: the outer context decides
        yield
        return
    alias = DEFAULT_DB_ALIAS
    if replica_configured() and _replica_answers():
        alias = REPLICA
        if catch_up_seconds > 0:
            try:
                if not _caught_up(catch_up_seconds):
                    alias = DEFAULT_DB_ALIAS
                    FALLBACKS.labels(reason="lagging").inc()
                    log.warning("read replica has not caught up with the primary in %.0f s, "
                                "reading the primary", catch_up_seconds)
            except OperationalError as error:
                connections[REPLICA].close()
                replica_down("unreachable", error)
                alias = DEFAULT_DB_ALIAS
    token = _reads.set(_Reads(alias))
    try:
        yield
    finally:
        _reads.reset(token)


F = TypeVar("F", bound=Callable[..., Any])


def analytics_reads_view(view: F) -> F:
    """A view or handler (`request` first) whose GET and HEAD run inside `analytics_reads`.
    Put it under the sign-in check (and add it to a Ninja router with `add_decorator`, which
    runs it after authentication), so that the session and the user are read from the
    primary. Other methods run as they are. Should the replica fail in the middle, the view
    runs again on the primary: it only reads."""
    @functools.wraps(view)
    def wrapper(request, *args: Any, **kwargs: Any):
        if request.method not in SAFE_METHODS or not replica_configured():
            return view(request, *args, **kwargs)
        try:
            with analytics_reads():
                return view(request, *args, **kwargs)
        except OperationalError as error:
            replica = connections[REPLICA]
            if not replica.errors_occurred:
                raise
            replica.close()
            replica_down("unreachable", error)
            return view(request, *args, **kwargs)
    return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    """`DATABASE_ROUTERS`: the replica for reads inside `analytics_reads`, `default` for
    everything else."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        reads = _reads.get()
        if (reads is None or reads.pinned or reads.alias == DEFAULT_DB_ALIAS
                or connections[DEFAULT_DB_ALIAS].in_atomic_block):
            return DEFAULT_DB_ALIAS
        return reads.alias

    def db_for_write(self, model: type, **hints: Any) -> str:
        reads = _reads.get()
        if reads is not None:
            reads.pinned = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database and its copy

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None,
                      **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
