"""Routing tests train on a small fixture corpus (five matters) beside the county's real
catalogue, into a model directory of their own, so each training takes a fraction of a
second and no test sees another's model."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from huying.routing import corpus
from huying.routing.store import model_forget
from huying.routing.training import model_train
from tests.factories import World, build_world

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def model_dir(settings, tmp_path, monkeypatch):
    settings.MODEL_DIR = tmp_path / "models"
    settings.HUYING_ROUTING_AUTO_DISPATCH_CONFIDENCE = None
    monkeypatch.setattr(corpus, "TRAINING_PATH", DATA / "corpus.jsonl")
    monkeypatch.setattr(corpus, "LEXICON_PATH", DATA / "lexicon.json")
    monkeypatch.setattr(corpus, "GENERATED_PER_MATTER", 5)
    model_forget()
    yield settings.MODEL_DIR
    model_forget()


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def world(db, now) -> World:
    return build_world(now)


@pytest.fixture
def trained(world, now):
    """A model trained on the world's catalogue and the fixture corpus."""
    return model_train(now=now)
