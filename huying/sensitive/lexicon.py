"""The bundled lexicon (data/lexicon.json): the rules a new installation starts with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LEXICON = Path(__file__).resolve().parent / "data" / "lexicon.json"


def lexicon_seed(*, rule_model: Any, using: str = "default") -> int:
    """Create the bundled rules that are missing (by name); answer how many were created.
    Takes the model so the data migration can pass its historical one."""
    existing = set(rule_model.objects.using(using).values_list("name", flat=True))
    missing = [rule_model(name=entry["name"], category=entry["category"], words=entry["words"],
                          requires=entry.get("requires", []),
                          min_people=entry.get("min_people"),
                          excludes=entry.get("excludes", []))
               for entry in json.loads(LEXICON.read_text(encoding="utf-8"))
               if entry["name"] not in existing]
    rule_model.objects.using(using).bulk_create(missing)
    return len(missing)
