"""Where a report's matter comes from when it has none yet: an optional guesser.

A report is usually compared before anyone classified it. Smart routing (`huying.routing`)
can guess the matter from the text; duplicates does not depend on it. A guesser is any
callable `text -> matter code or None` named by the setting
`HUYING_DUPLICATE_MATTER_GUESSER` (a dotted path, empty for none); it answers None when it
is not sure. Without one, a side without a matter counts as "unknown".
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from huying.duplicates.scoring import MatterGuesser

log = logging.getLogger(__name__)


def matter_guesser() -> MatterGuesser | None:
    return _guesser(getattr(settings, "HUYING_DUPLICATE_MATTER_GUESSER", ""))


@lru_cache(maxsize=4)
def _guesser(path: str) -> MatterGuesser | None:
    if not path:
        return None
    try:
        guess = import_string(path)
    except ImportError:
        # A guesser not (yet) installed must not stop duplicate finding.
        log.warning("HUYING_DUPLICATE_MATTER_GUESSER %r cannot be imported", path)
        return None
    return _safe(guess)


def _safe(guess: MatterGuesser) -> MatterGuesser:
    def guarded(text: str) -> str | None:
        try:
            code = guess(text)
        except Exception:
            log.exception("the matter guesser failed")
            return None
        return code if isinstance(code, str) and code else None

    return guarded
