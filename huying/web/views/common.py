"""What every page view shares: the clock, htmx detection, a trimmed text field. (Action
forms are parsed by the action registry's parser, `huying.cases.actions.parse`, exactly as
the API's bodies are.)"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def text(data, name: str) -> str:
    return (data.get(name) or "").strip()
