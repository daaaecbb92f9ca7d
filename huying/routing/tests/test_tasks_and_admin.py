"""Retraining nightly (huey) and from the admin's button."""

from __future__ import annotations

import pytest
from django.test import Client

from huying.routing import tasks
from huying.routing.store import model_current, model_path

URL = "/admin/routing/casesuggestion/"


@pytest.fixture
def huey_immediate():
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


def test_the_nightly_job_trains_a_model(world):
    tasks.routing_train_nightly.call_local()
    assert model_current() is not None


def test_an_administrator_retrains_from_the_admin(world, huey_immediate):
    client = Client()
    client.force_login(world.user("admin"))
    page = client.get(URL)
    assert page.status_code == 200 and "立即重新训练" in page.content.decode()
    response = client.post(URL + "retrain/")
    assert response.status_code == 302 and model_path().exists()
    assert model_current().version in client.get(URL).content.decode()


def test_someone_else_may_not_retrain(world, huey_immediate):
    client = Client()
    client.force_login(world.user("supervisor"))
    response = client.post(URL + "retrain/")
    assert response.status_code in (302, 403) and not model_path().exists()
