"""Analytics reads on the read replica (huying/common/replica.py): what goes there, what never
does, and the fallback to the primary when the replica does not answer.

The `replica` alias is the test database's mirror on a second connection, so these tests
are transactional (the mirror sees only committed rows) and list both databases."""

from __future__ import annotations

import json
import logging
import socket
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from prometheus_client import REGISTRY

from huying.analytics.rollups import rollups_refresh_queued
from huying.cases.models import Case
from huying.cases.tests.conftest import TZ, report
from huying.common.replica import ReplicaRouter, analytics_reads
from huying.common.tests.test_settings_production import run
from huying.org.models import OrgUnit

BOTH = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
EVENING = datetime(2026, 3, 2, 20, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def evening():
    with time_machine.travel(EVENING, tick=False):
        yield


def fallbacks(reason: str = "unreachable") -> float:
    return REGISTRY.get_sample_value("huying_replica_fallbacks_total",
                                     {"reason": reason}) or 0.0


def sql_of(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def analytics_tables(captured: CaptureQueriesContext) -> list[str]:
    return [sql for sql in sql_of(captured) if "analytics_" in sql]


@pytest.fixture
def dead_replica(tmp_path):
    """The replica at an address where nothing answers: a loopback port nobody listens on
    (PostgreSQL), a file in a directory that does not exist (SQLite)."""
    connection = connections["replica"]
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(port))
    else:
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "replica.sqlite3")
    yield connection
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.fixture
def reported(world):
    case = report(world, now=EVENING.replace(hour=9))
    rollups_refresh_queued(now=EVENING)
    return case


# ---------------------------------------------------------------------------------------
# the router


def test_without_a_replica_everything_stays_on_default(settings):
    settings.HUYING_REPLICA_READS = False
    router = ReplicaRouter()
    with analytics_reads():
        assert router.db_for_read(Case) == "default"
    assert router.db_for_read(Case) == "default"
    assert router.db_for_write(Case) == "default"
    assert router.allow_migrate("default", "cases") and not router.allow_migrate(
        "replica", "cases")


@BOTH
def test_reads_go_to_the_replica_only_inside_the_context_and_until_a_write(replica):
    router = ReplicaRouter()
    assert router.db_for_read(Case) == "default"
    with analytics_reads():
        assert router.db_for_read(Case) == "replica"
        with transaction.atomic():  # a transaction reads its own rows
            assert router.db_for_read(Case) == "default"
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) == "default"
        assert router.db_for_read(Case) == "default"  # read after write: the primary
    assert router.db_for_read(Case) == "default"
    with analytics_reads():  # a new context starts on the replica again
        assert router.db_for_read(Case) == "replica"


# ---------------------------------------------------------------------------------------
# what is routed


@BOTH
def test_a_big_screen_feed_reads_its_figures_from_the_replica(replica, world, reported,
                                                              api_as):
    leader = api_as("leader")
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_default:
        answer = leader.get("/api/v1/screen/counters?period=today")
    assert answer.status_code == 200, answer.content
    chain = {item["code"]: item["today"] for item in answer.json()["items"]}
    assert chain["received"] == 1
    assert analytics_tables(on_replica), sql_of(on_replica)
    # the primary answered the session and the user only
    assert not analytics_tables(on_default), sql_of(on_default)


@BOTH
def test_the_map_and_the_figures_read_from_the_replica(replica, world, reported, api_as):
    leader = api_as("leader")
    for url in ("/api/v1/map/towns", "/api/v1/analytics/figures?from=2026-03-01&to=2026-03-31"):
        with CaptureQueriesContext(connections["replica"]) as on_replica, \
                CaptureQueriesContext(connections["default"]) as on_default:
            answer = leader.get(url)
        assert answer.status_code == 200, (url, answer.content)
        assert analytics_tables(on_replica) and not analytics_tables(on_default), url


@BOTH
def test_a_report_through_the_service_never_touches_the_replica(replica, world):
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        report(world, now=EVENING.replace(hour=10))
        with analytics_reads():  # even inside the context: the action is one transaction
            report(world, now=EVENING.replace(hour=11))
    assert Case.objects.count() == 2
    assert sql_of(on_replica) == []


@BOTH
def test_verify_recomputes_on_the_replica_after_applying_the_queue_on_the_primary(
        replica, world, reported, capsys):
    report(world, now=EVENING.replace(hour=10))  # queued, not yet refreshed
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        call_command("analytics", "verify")
    assert "一致" in capsys.readouterr().out
    assert analytics_tables(on_replica)


# ---------------------------------------------------------------------------------------
# a replica that does not answer


@BOTH
def test_a_dead_replica_falls_back_to_the_primary_with_a_warning(replica, world, reported,
                                                                 api_as, dead_replica,
                                                                 monkeypatch, caplog):
    leader = api_as("leader")
    clock = [1000.0]
    monkeypatch.setattr(replica, "clock", lambda: clock[0])
    before = fallbacks()
    with caplog.at_level(logging.WARNING, logger="huying.common.replica"), \
            CaptureQueriesContext(connections["default"]) as on_default:
        answer = leader.get("/api/v1/screen/counters?period=today")
    assert answer.status_code == 200, answer.content
    assert {i["code"]: i["today"] for i in answer.json()["items"]}["received"] == 1
    assert analytics_tables(on_default)
    assert fallbacks() == before + 1
    assert any("read replica unreachable" in r.getMessage() for r in caplog.records)

    clock[0] += replica.RETRY_SECONDS - 1  # left alone meanwhile: no second attempt
    assert leader.get("/api/v1/screen/towns").status_code == 200
    assert fallbacks() == before + 1
    clock[0] += 2  # then tried again
    assert leader.get("/api/v1/screen/towns").status_code == 200
    assert fallbacks() == before + 2


@BOTH
def test_a_replica_lost_during_the_request_is_answered_from_the_primary(
        replica, world, reported, api_as, dead_replica, monkeypatch):
    """It answered when the context began (the check is skipped here), then failed on the
    first query: the handler only reads, so it runs again on the primary."""
    monkeypatch.setattr(replica, "_replica_answers", lambda: True)
    before = fallbacks()
    answer = api_as("leader").get("/api/v1/screen/counters?period=today")
    assert answer.status_code == 200, answer.content
    assert {i["code"]: i["today"] for i in answer.json()["items"]}["received"] == 1
    assert fallbacks() == before + 1


@BOTH
def test_a_command_falls_back_too(replica, world, reported, dead_replica, capsys):
    before = fallbacks()
    call_command("analytics", "verify")
    assert "一致" in capsys.readouterr().out
    assert fallbacks() == before + 1
    assert OrgUnit.objects.filter(pk=world.county.pk).exists()


@BOTH
def test_the_leaders_home_reads_its_figures_from_the_replica(replica, world, reported,
                                                             api_as):
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_default:
        page = api_as("leader").get("/")
    assert page.status_code == 200
    assert analytics_tables(on_replica) and not analytics_tables(on_default)


@BOTH
def test_a_report_reads_its_figures_from_the_replica_and_is_written_to_the_primary(
        replica, world, reported, capsys):
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_default:
        call_command("reports", "generate", "--kind", "daily", "--date", "2026-03-02")
    assert analytics_tables(on_replica)
    written = [sql for sql in sql_of(on_default) if "analytics_reportissue" in sql]
    assert any(sql.startswith("INSERT") for sql in written)
    assert any("MAX" in sql for sql in written)  # the version, in the writing transaction
    assert not [sql for sql in sql_of(on_replica) if "analytics_reportissue" in sql
                and "MAX" in sql]


def test_the_replica_alias_exists_only_with_its_variable(tmp_path):
    code = ("import json; from django.conf import settings as s; "
            "print(json.dumps({a: {k: d.get(k) for k in ('ENGINE', 'HOST', 'NAME', "
            "'CONN_MAX_AGE', 'OPTIONS', 'TEST')} for a, d in s.DATABASES.items()}))")
    alone = run(code, tmp_path, DATABASE_URL="postgres://huying@10.0.0.5:5432/huying")
    assert alone.returncode == 0, alone.stderr
    assert list(json.loads(alone.stdout)) == ["default"]
    both = run(code, tmp_path, DATABASE_URL="postgres://huying@10.0.0.5:5432/huying",
               DATABASE_REPLICA_URL="postgres://huying@10.0.0.7:5432/huying")
    databases = json.loads(both.stdout)
    assert databases["replica"]["HOST"] == "10.0.0.7"
    assert databases["replica"]["CONN_MAX_AGE"] == databases["default"]["CONN_MAX_AGE"] == 60
    assert databases["replica"]["OPTIONS"]["connect_timeout"] == 3
    assert databases["replica"]["TEST"] == {"MIRROR": "default"}
