"""Sign-in hints: rows the sign-in page may list (the demo county's memorable users).

The page (`web`) must not know the demo app, and the demo must not know the page, so the
demo app offers its rows here in `AppConfig.ready()` and the page asks here. Whether the
page shows them at all is the page's rule (`HUYING_DEMO_LOGINS`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

_providers: dict[str, Callable[[], Sequence[Any]]] = {}


def sign_in_hints_provide(name: str, provider: Callable[[], Sequence[Any]]) -> None:
    """Offer rows with `role`, `username`, `place` and `password` (a name replaces an earlier
    offer under the same name)."""
    _providers[name] = provider


def sign_in_hints() -> list[Any]:
    return [row for provider in _providers.values() for row in provider()]
