"""`huying intake import | resume | status`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from huying.cases.models import Case
from huying.intake.models import ImportJob, JobStatus
from huying.intake.tests.conftest import CALLS, csv_bytes, many_calls, xlsx_bytes
from huying.intake.tests.test_reading import PDF


def intake(*args: str) -> str:
    out = io.StringIO()
    call_command("intake", *args, stdout=out)
    return out.getvalue()


def test_import_prints_progress_and_the_counts(world, tmp_path):
    export = tmp_path / "export.csv"
    export.write_bytes(csv_bytes(many_calls(45), encoding="gbk"))
    out = intake("import", str(export), "--batch-size", "20", "--as", "admin")
    job = ImportJob.objects.get()
    lines = out.splitlines()
    assert lines[0] == f"导入 #{job.pk}：export.csv 共 45 行。"
    assert lines[1:4] == ["20/45 (44%)", "40/45 (88%)", "45/45 (100%)"]
    assert lines[4] == (f"#{job.pk} export.csv 已完成：45/45，新建 45，已导入 0，冲突 0，错误 0，"
                        "提示 9")
    assert Case.objects.filter(channel="12345").count() == 45
    assert job.created_by == world.user("admin") and job.source_system == "12345导入"
    assert job.file_path.startswith("imports/") and job.started_at and job.finished_at


def test_a_dry_run_with_a_mapping_file_and_a_source_system(world, tmp_path):
    export = tmp_path / "export.xlsx"
    export.write_bytes(xlsx_bytes(CALLS))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"工单编号": "external_id", "诉求内容": "description",
                                   "所属镇街": "town"}, ensure_ascii=False), encoding="utf-8")
    out = intake("import", str(export), "--dry-run", "--mapping", str(mapping),
                 "--source-system", "省12345平台", "--county", world.county.code)
    assert "（试导入：不写入任何事项）" in out
    assert "新建 6，已导入 0，冲突 0，错误 2" in out
    assert Case.objects.count() == 0
    job = ImportJob.objects.get()
    assert job.dry_run and job.source_system == "省12345平台"
    status = intake("status", str(job.pk))
    assert "行号 9 RC2026113000102 [所属镇街] 本县（市、区）没有名为“东岗镇”的镇街。" in status
    assert "试导入" in intake("status")


@pytest.mark.parametrize(("args", "text"), [
    (["--as", "supervisor"], "只有管理员可以导入 12345 工单。"),
    (["--as", "nobody"], "没有名为 nobody 的用户。"),
    (["--county", "999999"], "999999"),
])
def test_import_refusals(world, tmp_path, args, text):
    export = tmp_path / "export.xlsx"
    export.write_bytes(xlsx_bytes(CALLS))
    with pytest.raises(CommandError) as caught:
        intake("import", str(export), *args)
    assert text in str(caught.value)
    assert ImportJob.objects.count() == 0


def test_a_renamed_pdf_or_a_bad_mapping_file_is_refused(world, tmp_path):
    fake = tmp_path / "工单.xlsx"
    fake.write_bytes(PDF)
    with pytest.raises(CommandError, match="实际是 PDF 文件"):
        intake("import", str(fake))
    export = tmp_path / "export.xlsx"
    export.write_bytes(xlsx_bytes(CALLS))
    mapping = tmp_path / "m.json"
    mapping.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="无法读取列对应文件"):
        intake("import", str(export), "--mapping", str(mapping))
    assert ImportJob.objects.count() == 0


def test_resume_of_a_done_import_is_refused_and_of_a_failed_one_goes_on(world, tmp_path):
    export = tmp_path / "export.xlsx"
    export.write_bytes(xlsx_bytes(CALLS[:2]))
    intake("import", str(export))
    job = ImportJob.objects.get()
    with pytest.raises(CommandError, match="该导入任务已完成。"):
        intake("resume", str(job.pk))
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    out = intake("resume", str(job.pk))
    assert f"继续导入 #{job.pk}：已完成 2 / 2 行。" in out
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.created_count == 2
    assert Case.objects.count() == 2
    with pytest.raises(CommandError, match=f"没有导入任务 #{job.pk + 1}。"):
        intake("status", str(job.pk + 1))


def test_a_file_changed_on_the_server_fails_the_run(world, tmp_path, settings):
    from pathlib import Path

    export = tmp_path / "export.xlsx"
    export.write_bytes(xlsx_bytes(CALLS[:2]))
    intake("import", str(export))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    (Path(settings.VAR_DIR) / job.file_path).write_bytes(xlsx_bytes(CALLS))
    with pytest.raises(CommandError, match="上传后在服务器上被改动过"):
        intake("resume", str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "被改动过" in str(job.failure)
