"""The htmx partials the report forms call as the user types (huying/routing's
suggestions), with a model trained on the routing tests' small fixture corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from huying.routing import corpus
from huying.routing.store import model_forget
from huying.routing.training import model_train
from huying.web.views.citizen import SESSION_AT, SESSION_PHONE

HTMX = {"HTTP_HX_REQUEST": "true"}
FIXTURES = Path(corpus.__file__).parent / "tests" / "data"


@pytest.fixture(autouse=True)
def model_dir(settings, tmp_path, monkeypatch):
    settings.MODEL_DIR = tmp_path / "models"
    monkeypatch.setattr(corpus, "TRAINING_PATH", FIXTURES / "corpus.jsonl")
    monkeypatch.setattr(corpus, "LEXICON_PATH", FIXTURES / "lexicon.json")
    monkeypatch.setattr(corpus, "GENERATED_PER_MATTER", 5)
    model_forget()
    yield
    model_forget()


@pytest.fixture
def trained(world, now):
    return model_train(now=now)


def signed_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.user(username))
    return client


def citizen() -> Client:
    client = Client()
    session = client.session
    session[SESSION_PHONE] = "13912345678"
    session[SESSION_AT] = timezone.now().isoformat()
    session.save()
    return client


def test_the_field_form_gets_chips_that_name_the_matter_and_its_confidence(world, trained):
    page = signed_in(world, "supervisor").get(
        "/report/suggest", {"title": "路灯坏了", "description": "晚上黑乎乎的"}, **HTMX)
    html = page.content.decode()
    assert page.status_code == 200 and 'data-matter="M002"' in html
    assert "建议：" in html and "路灯不亮 " in html and "%" in html
    assert 1 <= html.count("data-matter=") <= 3  # chips of at least 1 %


def test_a_grid_worker_sees_only_matters_the_grid_admission_list_offers(world, trained):
    # 燃气泄漏 is red: a grid worker reports it but cannot pick it on the form.
    html = signed_in(world, "grid_a").get(
        "/report/suggest", {"description": "楼道里一股很浓的煤气味，燃气泄漏"}, **HTMX
    ).content.decode()
    assert 'data-matter="M090"' not in html
    supervisor = signed_in(world, "supervisor").get(
        "/report/suggest", {"description": "楼道里一股很浓的煤气味，燃气泄漏"}, **HTMX)
    assert 'data-matter="M090"' in supervisor.content.decode()


def test_nothing_typed_or_no_model_renders_nothing(world):
    client = signed_in(world, "supervisor")
    assert client.get("/report/suggest", {"description": ""}).content.strip() == b""
    assert client.get("/report/suggest", {"description": "路灯坏了"}).content.strip() == b""


def test_who_may_not_report_gets_no_chips(world, trained):
    client = signed_in(world, "responder_d05")
    assert client.get("/report/suggest", {"description": "路灯坏了"}).status_code == 403
    assert Client().get("/report/suggest", {"description": "路灯坏了"}).status_code == 302


def test_the_citizen_page_shows_matter_names_only(world, trained):
    page = citizen().get("/h5/suggest", {"description": "小区门口的路灯坏了好几天"}, **HTMX)
    html = page.content.decode()
    assert page.status_code == 200 and "路灯不亮" in html
    assert "M002" not in html and "%" not in html and "住房" not in html


def test_the_citizen_endpoint_needs_the_confirmed_phone(world, trained):
    assert Client().get("/h5/suggest", {"description": "路灯坏了"}).status_code == 403


def test_the_forms_ask_as_the_user_types(world):
    report = signed_in(world, "supervisor").get("/report").content.decode()
    assert 'hx-get="/report/suggest"' in report
    assert 'hx-trigger="input changed delay:400ms"' in report
    h5 = citizen().get("/h5/report").content.decode()
    assert 'hx-get="/h5/suggest"' in h5 and 'id="h5-suggestions"' in h5


def test_the_citizen_hint_leaves_out_unlikely_matters(world, trained):
    page = citizen().get("/h5/suggest", {"description": "小区门口的路灯坏了好几天"})
    html = page.content.decode()
    assert html.count('class="badge') == 1


def test_a_chip_never_says_100_percent(world, trained):
    html = signed_in(world, "supervisor").get(
        "/report/suggest", {"description": "小区门口的路灯坏了好几天，晚上黑乎乎的"}
    ).content.decode()
    assert "100%" not in html and "路灯不亮 99%" in html
