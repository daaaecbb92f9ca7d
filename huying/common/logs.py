"""Structured logs for production (`LOG_FORMAT=json`) and the request log line.

`JsonFormatter` writes one JSON object per line: `time`, `level`, `logger`, `message`, the
fields a caller passed with `extra=` (the request line's `method`, `path`, `status`,
`duration_ms`), and `exc_info` when there is a traceback. A log collector (journald, Loki,
Filebeat) reads the fields without parsing text. It imports nothing of Django, so gunicorn's
master process can use it for its own lines too (`huying/common/gunicorn_conf.py`).

`RequestLogMiddleware` writes one line per request to the `huying.request` logger. The path
is logged without its query string: queries may carry phone numbers or names.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName"}

request_logger = logging.getLogger("huying.request")


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """Logs each request's method, path, status and duration (INFO, `huying.request`)."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        if request_logger.isEnabledFor(logging.INFO):
            request_logger.info(
                "%s %s %s %sms", request.method, request.path, response.status_code,
                duration_ms, extra={"method": request.method, "path": request.path,
                                    "status": response.status_code,
                                    "duration_ms": duration_ms})
        return response
