"""The territorial tree's shape: which level sits under which, and materialised paths."""

from __future__ import annotations

from huying.org.models import OrgUnit


def path_for(unit: OrgUnit) -> str:
    """The path of a saved unit: its parent's path followed by its own id."""
    prefix = unit.parent.path if unit.parent_id else "/"
    return f"{prefix}{unit.pk}/"
