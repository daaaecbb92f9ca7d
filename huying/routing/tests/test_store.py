"""The model file: missing or unreadable means no suggestions, a changed file is reloaded,
a changed catalogue makes the suggestions stale and keeps them among codes in force."""

from __future__ import annotations

import os
from datetime import date

from django.utils import timezone

from huying.catalog import services as catalog
from huying.catalog.models import ListKind
from huying.routing.selectors import suggestions_for_text
from huying.routing.store import model_current, model_path
from huying.routing.training import model_train


def test_no_model_file_means_no_suggestions(world, now):
    assert model_current() is None
    assert suggestions_for_text(text="路灯不亮", county=world.county, on=now.date()) is None


def test_an_unreadable_model_file_means_no_suggestions(world, now, caplog):
    model_path().parent.mkdir(parents=True)
    model_path().write_bytes(b"not a model")
    assert model_current() is None
    assert "cannot be read" in caplog.text


def test_a_changed_file_is_loaded_again(world, now):
    first = model_train(now=now)
    assert model_current().version == first.version
    second = model_train(now=now.replace(hour=10))
    stat = model_path().stat()
    os.utime(model_path(), ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert model_current().version == second.version != first.version


def test_suggestions_are_fresh_while_the_catalogue_is_the_one_trained_on(world, now, trained):
    found = suggestions_for_text(text="小区门口的路灯坏了好几天", county=world.county,
                                 on=now.date())
    assert found.stale is False and found.items[0].code == "M002"
    assert len(found.items) == 3 and found.model_version == trained.version


def test_a_new_catalogue_makes_them_stale_and_only_codes_in_force(world, now, trained):
    current = world.county.list_versions.get(kind=ListKind.CATALOGUE)
    version = catalog.list_version_create(actor=None, county=world.county,
                                          kind=ListKind.CATALOGUE, title="第二版",
                                          effective_from=date(2026, 3, 1), copy_from=current,
                                          now=timezone.now())
    catalog.matter_type_remove(actor=None, version=version, code="M002", now=timezone.now())
    catalog.list_version_publish(actor=None, version=version, now=timezone.now())
    found = suggestions_for_text(text="小区门口的路灯坏了好几天", county=world.county,
                                 on=now.date())
    assert found.stale is True and found.items
    assert "M002" not in {s.code for s in found.items}
