"""Health endpoints for load balancers and orchestrators.

`/healthz` (liveness) asks the database one `SELECT 1`. `/readyz` (readiness) also says
whether every migration of this code is applied; the migration graph is built only until
the answer is yes — a running process's code does not change, so once ready it stays ready
(a later migration comes with new code, hence a new process).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse

_migrated = False


def _database_answers() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means "not healthy"
        return str(exc)
    return None


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the database answers."""
    problem = _database_answers()
    if problem is not None:
        return JsonResponse({"status": "error", "database": problem}, status=503)
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and no migration is pending."""
    global _migrated
    problem = _database_answers()
    if problem is not None:
        return JsonResponse({"status": "error", "database": problem}, status=503)
    if not _migrated:
        try:
            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as exc:
            return JsonResponse({"status": "error", "database": str(exc)}, status=503)
        if pending:
            return JsonResponse({"status": "error", "pending_migrations": len(pending)},
                                status=503)
        _migrated = True
    return JsonResponse({"status": "ok"})
