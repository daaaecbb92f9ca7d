"""Retraining in the background (huey): nightly, and when an administrator asks.
HUEY runs with utc=True: 18:30 UTC is 02:30 in Asia/Shanghai."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from huying.routing.training import model_train

log = logging.getLogger(__name__)


def _train() -> None:
    model = model_train(now=timezone.now(), progress=log.info)
    log.info("routing: model %s trained", model.version)


@db_periodic_task(crontab(minute="30", hour="18"))
@lock_task("huying-routing-train")
def routing_train_nightly() -> None:
    _train()


@db_task()
@lock_task("huying-routing-train")
def routing_train_now() -> None:
    _train()
