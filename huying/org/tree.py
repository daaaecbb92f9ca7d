"""The territorial tree's shape: which level sits under which, and materialised paths."""

from __future__ import annotations

from huying.org.models import LEVEL_ORDER, OrgUnit


def child_level(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


def path_for(unit: OrgUnit) -> str:
    """The path of a saved unit: its parent's path followed by its own id."""
    prefix = unit.parent.path if unit.parent_id else "/"
    return f"{prefix}{unit.pk}/"
