from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from huying.catalog.models import ListKind, ListVersion, MatterType, VersionStatus


def run(*args: str) -> str:
    out = StringIO()
    call_command("catalog", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_load_reference_command_loads_and_reloads_idempotently(county):
    run("load-reference", "--county", "371082", "--effective-from", "2025-01-01")
    run("load-reference", "--county", "371082")
    assert ListVersion.objects.count() == 4
    assert MatterType.objects.count() == 92


def test_load_reference_for_an_unknown_county_is_a_clear_error(db):
    with pytest.raises(CommandError):
        run("load-reference", "--county", "999999")


def test_export_then_import_then_publish(loaded, county, tmp_path):
    path = tmp_path / "call.xlsx"
    run("export", "call", str(path))
    assert load_workbook(path).worksheets[0].max_row == 78
    run("import", "call", str(path), "--title", "呼应事项清单 v2",
        "--effective-from", "2026-01-01")
    draft = ListVersion.objects.get(kind=ListKind.CALL, number=2)
    assert draft.status == VersionStatus.DRAFT and draft.items.count() == 77
    run("publish", "call", "2")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_import_with_errors_prints_them_and_exits_non_zero(loaded, county, tmp_path):
    path = tmp_path / "catalogue.xlsx"
    run("export", "catalogue", str(path), "--version", "1")
    book = load_workbook(path)
    book.worksheets[0]["E7"] = "D99"
    book.save(path)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("catalog", "import", "catalogue", str(path), stdout=out, stderr=out)
    assert "D99" in out.getvalue()
    assert ListVersion.objects.filter(kind=ListKind.CATALOGUE).count() == 1


def test_publishing_a_missing_version_is_a_clear_error(loaded):
    with pytest.raises(CommandError):
        run("publish", "call", "7")
