import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.common import views


@pytest.mark.django_db
def test_healthz_asks_the_database_one_question(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 1"]


@pytest.mark.django_db
def test_readyz_checks_the_migrations_until_they_are_applied(client, monkeypatch):
    monkeypatch.setattr(views, "_migrated", False)
    plans = []
    real = views.MigrationExecutor

    class Counting(real):
        def migration_plan(self, targets, clean_start=False):
            plans.append(1)
            return super().migration_plan(targets, clean_start)

    monkeypatch.setattr(views, "MigrationExecutor", Counting)
    assert client.get("/readyz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}
    assert plans == [1]  # the graph was built once


@pytest.mark.django_db
def test_readyz_says_how_many_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(views, "_migrated", False)
    monkeypatch.setattr(views.MigrationExecutor, "migration_plan",
                        lambda self, targets, clean_start=False: [("app", "0002")] * 2)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["pending_migrations"] == 2


@pytest.mark.django_db
def test_openapi_spec_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["version"] == "1"
