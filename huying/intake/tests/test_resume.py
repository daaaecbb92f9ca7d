"""An import killed half-way (kill -9 of a real `huying intake import` process) and resumed:
every work order ends with exactly one case, none lost, none twice."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from huying.cases.models import Case, IntakeRecord
from huying.intake.models import HotlineCall, ImportJob, ImportRow, JobStatus, Outcome
from huying.intake.tests.conftest import many_calls, xlsx_bytes
from tests.factories import build_world

ROWS = 400
BATCH = 20


def database_url() -> str:
    """The test database, for a child process to open."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return (f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}")


@pytest.fixture
def committed_world(transactional_db, now):
    """The county committed, so that another process sees it."""
    return build_world(now)


def huying(*args: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE":
           "huying.settings"}
    return subprocess.Popen([sys.executable, "-c", "from huying.cli import main; main()",
                             *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_an_import_killed_half_way_resumes_with_no_duplicate_and_no_loss(committed_world,
                                                                         tmp_path):
    rows = many_calls(ROWS)
    export = tmp_path / "石岭镇12345工单.xlsx"
    export.write_bytes(xlsx_bytes(rows))
    child = huying("intake", "import", str(export), "--county", committed_world.county.code,
                   "--batch-size", str(BATCH))
    deadline = time.monotonic() + 120
    job = None
    try:
        # Watch the job row: kill once a few batches are committed, well before the end.
        while time.monotonic() < deadline and child.poll() is None:
            job = ImportJob.objects.first()
            if job is not None and job.rows_processed >= 3 * BATCH:
                break
            time.sleep(0.02)
        assert child.poll() is None, child.communicate()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and 3 * BATCH <= job.rows_processed < ROWS
    # Each row's case and its outcome committed together: nothing half-done.
    recorded = ImportRow.objects.filter(job=job).count()
    assert Case.objects.count() == recorded == HotlineCall.objects.count() >= job.rows_processed
    assert recorded < ROWS

    out = io.StringIO()
    call_command("intake", "resume", str(job.pk), "--batch-size", str(BATCH), stdout=out)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.rows_processed, job.created_count, job.error_count, job.existing_count) == \
        (ROWS, ROWS, 0, 0)
    assert "400/400 (100%)" in out.getvalue()
    numbers = [r["工单编号"] for r in rows]
    cases = Counter(Case.objects.filter(channel="12345").values_list("external_ref", flat=True))
    assert cases == Counter(numbers)
    records = Counter(IntakeRecord.objects.values_list("external_id", flat=True))
    assert records == Counter(numbers)
    assert sorted(ImportRow.objects.filter(job=job).values_list("row_number", flat=True)) == \
        list(range(2, ROWS + 2))
    assert not ImportRow.objects.exclude(outcome=Outcome.CREATED).exists()
