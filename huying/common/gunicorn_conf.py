"""gunicorn's settings that a command line cannot carry; `huying serve` passes
`--config python:huying.common.gunicorn_conf`. A plain `gunicorn huying.wsgi -c
python:huying.common.gunicorn_conf` gets the same.

- With `LOG_FORMAT=json`, gunicorn's own lines (start, worker boots and timeouts) are JSON
  objects like the application's.
- A worker that exits is marked dead in `PROMETHEUS_MULTIPROC_DIR`, so its live gauges stop
  counting (its counters stay, as Prometheus expects of counters).
- No control socket (gunicorn ≥ 25): its default path is one per user, so a second gunicorn
  on the machine would take it over; serve and systemd do the controlling.
"""

from __future__ import annotations

import os
from typing import Any

control_socket_disable = True

if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "huying.common.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
