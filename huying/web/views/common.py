"""What every page view shares: the clock, htmx detection, a trimmed text field. (Action
forms are parsed by the action registry's parser, `huying.cases.actions.parse`, exactly as
the API's bodies are.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def text(data, name: str) -> str:
    return (data.get(name) or "").strip()


def map_options(*, base: bool = True) -> dict[str, Any]:
    """What every page's map is drawn with (`web/map.js`): the county base's URL (the
    signed-in pages; the offline base), and the tile layer underneath when configured."""
    return {"tiles": settings.HUYING_MAP_TILE_URL,
            "attribution": settings.HUYING_MAP_TILE_ATTRIBUTION,
            "base": f"{reverse('api:map-base')}?level=town" if base else None}
