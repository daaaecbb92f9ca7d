"""The short fault drill of `make test` (the long one is `make soak`, bench/soak.py): a real
`huying serve` on a loopback port takes intake POSTs from client threads that retry with
the same external id; one gunicorn worker is killed with -9 mid-load. Every report a client
saw accepted is exactly one case and one intake record. No PostgreSQL restart here: other
tests share the server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from bench.soak import PREFIX, Node, check, drill, free_port, tally
from huying.cases.models import Case, IntakeRecord
from huying.intake.tests.test_resume import database_url
from huying.org.auth import token_issue
from tests.factories import build_world

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_web_worker_killed_mid_load_loses_and_doubles_no_report(transactional_db, tmp_path):
    # Real time: the server's processes file the reports at the wall clock's now.
    now = timezone.now()
    world = build_world(now)
    _, token = token_issue(actor=None, user=world.user("supervisor"), name="soak", now=now)
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "HUEY_IMMEDIATE"}}
    env |= {"DATABASE_URL": database_url(), "HUYING_VAR_DIR": str(tmp_path),
            "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "huying.settings"}
    node = Node(env=env, port=free_port(), log=tmp_path / "serve.log")
    summary, load = drill(node, token=token, county=world.county.code,
                          point=world.point_in(0), seconds=8, clients=3, faults=("web",))
    summary = tally(summary, load,
                    list(Case.objects.filter(external_ref__startswith=PREFIX)
                         .values_list("external_ref", flat=True)),
                    list(IntakeRecord.objects.filter(external_id__startswith=PREFIX)
                         .values_list("external_id", flat=True)))
    assert check(summary) == [], (summary, node.log.read_text()[-3000:])
    assert summary["accepted"] >= 10 and summary["lost"] == summary["duplicated"] == 0
    assert summary["faults"]["web_first_success_after_seconds"] is not None
    assert summary["serve_starts"] == 1 and node.serve.returncode == 0
