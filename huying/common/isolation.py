"""A step that must never undo the action it follows (triage on a new report)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from django.db import models, transaction


def run_isolated(step: Callable[[], object], *, logger: logging.Logger, failure: str,
                 instance: models.Model | None = None, fields: Sequence[str] = ()) -> bool:
    """Run `step` in a savepoint inside the caller's transaction. If it fails, only its
    own writes roll back, the failure is logged with `failure`, and the `fields` of
    `instance` that the step may have changed in memory are put back, so the caller goes
    on with the object as the database holds it. Answers whether the step succeeded."""
    before = {name: getattr(instance, name) for name in fields} if instance else {}
    try:
        with transaction.atomic():
            step()
    except Exception:
        for name, value in before.items():
            setattr(instance, name, value)
        logger.exception(failure)
        return False
    return True
