"""Training from the database: the catalogue in force, the bundled corpus and the county's
confirmed dispatches; the model file and its meta."""

from __future__ import annotations

import json

from huying.cases import services as cs
from huying.cases.models import Channel
from huying.routing.corpus import CONFIRMED_WEIGHT, confirmed_samples
from huying.routing.store import meta_path, model_current, model_path
from huying.routing.training import model_train, training_set


def report(world, now, *, title="路灯不亮", description="新华路的路灯坏了", actor="supervisor"):
    lon, lat = world.point_in(0)
    return cs.case_report(actor=world.user(actor) if actor else None, county=world.county,
                          channel=Channel.HOTLINE_12345, title=title, description=description,
                          longitude=lon, latitude=lat, now=now)


def test_training_writes_the_model_and_its_meta(world, now):
    model = model_train(now=now)
    meta = json.loads(meta_path().read_text(encoding="utf-8"))
    assert model_path().exists() and meta == model.meta
    assert meta["trained_at"] == now.isoformat()
    county = meta["counties"][world.county.code]
    catalogue = world.county.list_versions.get(kind="catalogue")
    assert county["catalogue_version"] == catalogue.pk and len(county["codes"]) == 92
    assert meta["samples"]["catalogue"] > 0 and meta["samples"]["corpus"] == 30
    assert set(meta["held_out"]) == {"n", "top1", "top3", "ece"}
    assert model_current().version == meta["version"]


def test_confirmed_dispatches_train_weighted_above_the_catalogue(world, now):
    case = report(world, now, title="灯杆歪了", description="海滨路一根灯杆歪斜，夜里不亮")
    cs.case_register(case=case, actor=world.user("supervisor"), matter_code="M002", now=now)
    [sample] = confirmed_samples(world.county)
    assert sample.code == "M002" and sample.weight == CONFIRMED_WEIGHT
    assert "灯杆歪了" in sample.text and "海滨路" in sample.text
    assert sample in training_set(now=now).samples


def test_a_correction_trains_under_the_corrected_matter(world, now):
    case = report(world, now, title="井口", description="路口有个井口没有盖")
    case = cs.case_register(case=case, actor=world.user("supervisor"), matter_code="M002",
                            now=now)
    cs.case_triage(case=case, actor=world.user("supervisor"), matter_code="M001", now=now)
    assert [s.code for s in confirmed_samples(world.county)] == ["M001"]


def test_what_the_system_decided_alone_does_not_teach(world, now):
    case = report(world, now, actor=None)
    cs.case_register(case=case, actor=None, matter_code="M002", now=now)
    assert list(confirmed_samples(world.county)) == []


def test_without_any_catalogue_the_reference_catalogue_stands_in(db, now):
    model = model_train(now=now)
    assert model.meta["reference_catalogue"] is True and model.meta["counties"] == {}
    assert model.meta["classes"] == 92
