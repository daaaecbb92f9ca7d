"""Files left behind by rolled-back uploads are pruned; referenced files never are."""

from __future__ import annotations

import os
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from huying.cases.attachments import attachment_add, attachments_prune_orphans
from huying.cases.tests.conftest import report

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def age(path, hours):
    old = path.stat().st_mtime - hours * 3600
    os.utime(path, (old, old))


def test_only_old_unreferenced_files_are_pruned(world, now, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = report(world)
    kept = attachment_add(case=case, actor=world.user("initiator_a"), now=now,
                          upload=SimpleUploadedFile("现场.png", PNG, "image/png"))
    folder = tmp_path / "cases" / "2026" / "03"
    orphan, fresh = folder / "orphan.png", folder / "fresh.png"
    orphan.write_bytes(PNG)
    fresh.write_bytes(PNG)
    age(orphan, 48)
    age(tmp_path / kept.file.name, 48)

    wall = timezone.now()  # file ages are on the real clock
    assert attachments_prune_orphans(now=wall, dry_run=True) == ["cases/2026/03/orphan.png"]
    assert orphan.exists()
    call_command("attachments", "prune")
    assert not orphan.exists() and fresh.exists() and (tmp_path / kept.file.name).exists()
    assert attachments_prune_orphans(now=wall + timedelta(days=3)) == ["cases/2026/03/fresh.png"]
