"""The model file: where it lives, how it is written and read, and the per-process cache.

`HUYING_VAR_DIR/models/routing.joblib` holds the fitted classifier and its meta;
`routing.json` beside it repeats the meta for people and monitoring. Both are written to a
temporary name and renamed, so a reader never sees half a file. Each process loads the
model lazily and keeps it until the file changes (its modification time or size), so a
retrain in the worker reaches every web process at its next suggestion.

No model file, or one that cannot be read, means no suggestions — never an error: triage
goes on by hand.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import joblib
from django.conf import settings

from huying.catalog.models import ListKind
from huying.catalog.selectors import list_in_force
from huying.org.models import OrgUnit
from huying.routing.classifier import Classifier

log = logging.getLogger(__name__)

MODEL_FILE = "routing.joblib"
META_FILE = "routing.json"


def model_dir() -> Path:
    return Path(settings.MODEL_DIR)


def model_path() -> Path:
    return model_dir() / MODEL_FILE


def meta_path() -> Path:
    return model_dir() / META_FILE


@dataclass(frozen=True)
class Model:
    classifier: Classifier
    meta: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.meta.get("version", ""))


@dataclass(frozen=True)
class Scope:
    """What the model may suggest for one county today: the codes of its catalogue in force
    that the model knows, and whether that catalogue changed since training (stale)."""

    codes: frozenset[str]
    stale: bool


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from other processes
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def model_save(model: Model) -> None:
    _atomic_write(model_path(), lambda name: joblib.dump(
        {"classifier": model.classifier, "meta": model.meta}, name, compress=3))
    _atomic_write(meta_path(), lambda name: Path(name).write_text(
        json.dumps(model.meta, ensure_ascii=False, indent=2), encoding="utf-8"))


_cache: dict[str, Any] = {"key": None, "model": None}
_lock = threading.Lock()


def model_current() -> Model | None:
    """The model on disk, loaded once per process and again when the file changes."""
    path = model_path()
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if _cache["key"] == key:
        return _cache["model"]
    with _lock:
        if _cache["key"] != key:
            try:
                content = joblib.load(path)
                model = Model(content["classifier"], dict(content["meta"]))
            except Exception:
                log.exception("routing: the model file %s cannot be read; no suggestions", path)
                model = None
            _cache.update(key=key, model=model)
    return _cache["model"]


def model_forget() -> None:
    """Drop the cached model (tests; a process that removed the file)."""
    with _lock:
        _cache.update(key=None, model=None)


def scope_for(model: Model, county: OrgUnit | None, on: date) -> Scope:
    """The codes the model may suggest in `county` on `on`, and whether they are stale.

    Without a county (a command run on a file) every class is allowed. A county without a
    catalogue in force gets nothing to choose from."""
    classes = frozenset(model.classifier.classes)
    if county is None:
        return Scope(classes, stale=False)
    catalogue = list_in_force(county=county, kind=ListKind.CATALOGUE, on=on)
    if catalogue is None:
        return Scope(frozenset(), stale=True)
    trained = model.meta.get("counties", {}).get(county.code, {})
    stale = trained.get("catalogue_version") != catalogue.pk
    if not stale:
        return Scope(classes & frozenset(trained.get("codes", [])), stale=False)
    in_force = frozenset(catalogue.matter_types.values_list("code", flat=True))
    return Scope(classes & in_force, stale=True)
