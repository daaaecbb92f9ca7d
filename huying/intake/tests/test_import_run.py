"""The import of a real-looking export: what it creates, what it refuses and why, the dry
run, re-imports and conflicts."""

from __future__ import annotations

from datetime import datetime

import pytest

from huying.cases.models import Case, CaseStatus, IntakeRecord
from huying.intake import services
from huying.intake.models import HotlineCall, ImportJob, ImportRow, JobStatus, Outcome
from huying.intake.tests.conftest import BAD, CALLS, GOOD, TZ, csv_bytes, xlsx_bytes


def run(world, content: bytes, now, *, name: str = "12345工单导出.xlsx", dry_run=False,
        mapping=None, source_system: str = "") -> ImportJob:
    admin = world.user("admin")
    job = services.import_job_create(actor=admin, file_name=name, content=content, now=now,
                                     county=world.county, dry_run=dry_run, mapping=mapping,
                                     source_system=source_system)
    job = services.import_job_start(job=job, actor=admin, now=now)
    return services.import_job_run(job=job, clock=lambda: now, batch_size=3)


def outcomes(job: ImportJob) -> dict[str, tuple[str, str]]:
    return {r.external_id: (r.outcome, r.field) for r in job.rows.all()}


def test_an_xlsx_export_files_each_good_row_through_the_12345_channel(world, now):
    job = run(world, xlsx_bytes(CALLS), now)
    assert job.status == JobStatus.DONE
    assert (job.total_rows, job.rows_processed) == (8, 8)
    assert (job.created_count, job.existing_count, job.conflict_count, job.error_count) == \
        (5, 0, 0, 3)
    got = outcomes(job)
    assert {k for k, (o, _f) in got.items() if o == Outcome.CREATED} == set(GOOD)
    assert {k: f for k, (o, f) in got.items() if o == Outcome.ERROR} == BAD
    cases = {c.external_ref: c for c in Case.objects.filter(external_ref__in=GOOD)}
    assert all(c.channel == "12345" for c in cases.values())
    records = IntakeRecord.objects.filter(channel="12345", source_system="12345导入")
    assert records.count() == 5
    lamp = cases["RC2026113000017"]
    # 诉求类型 matched by its last segment; the town places and registers it.
    assert lamp.matter_type.code == "M002" and lamp.status == CaseStatus.REGISTERED
    assert lamp.town == world.towns[0] and lamp.reporter_phone == "13812345678"
    assert lamp.title == "海滨路和新华街路口往东那一排路灯"
    smoke = cases["RC2026113000042"]
    assert smoke.title == "小区门口烧烤店油烟" and smoke.grid == world.grids[2]
    assert smoke.reporter_phone == "0631-5812345" and smoke.matter_type.code == "M005"
    hole = cases["RC2026113000058"]
    assert hole.urgent and hole.town == world.towns[1]
    assert cases["RC2026113000071"].sensitive
    # No matter type matches 噪声扰民 or 其他/环境卫生: reported, waiting for the centre.
    for ref in ("RC2026113000063", "RC2026113000071"):
        assert cases[ref].status == CaseStatus.REPORTED and cases[ref].matter_type is None
        row = job.rows.get(external_id=ref)
        assert row.has_note and row.field == "matter"
        assert "指挥中心" in str(row.note)
    calls = {c.external_id: c.called_at for c in HotlineCall.objects.all()}
    assert calls["RC2026113000017"] == datetime(2026, 11, 30, 8, 15, tzinfo=TZ)
    assert calls["RC2026113000042"] == datetime(2026, 11, 30, 9, 2, tzinfo=TZ)
    assert calls["RC2026113000063"] == datetime(2026, 11, 30, 11, 20, tzinfo=TZ)
    # The case itself says when huying took it in: the call time is not back-dated.
    assert lamp.reported_at == now


def test_each_refused_row_names_its_row_and_field_in_chinese(world, now):
    job = run(world, xlsx_bytes(CALLS), now)
    errors = {r.row_number: (r.field, str(r.problem)) for r in
              job.rows.filter(outcome=Outcome.ERROR)}
    assert errors == {
        7: ("reporter_phone", "联系电话“1381234”不是有效的号码。"),
        8: ("description", "诉求内容为空。"),
        9: ("town", "本县（市、区）没有名为“东岗镇”的镇街。"),
    }


def test_a_gbk_csv_reads_like_the_xlsx(world, now):
    job = run(world, csv_bytes(CALLS, encoding="gbk"), now, name="export.csv")
    assert job.encoding == "gb18030" and job.file_format == "csv"
    assert outcomes(job) == outcomes(ImportJob.objects.get(pk=job.pk))
    assert {k for k, (o, _f) in outcomes(job).items() if o == Outcome.CREATED} == set(GOOD)
    assert Case.objects.get(external_ref="RC2026113000042").reporter_name == "李先生"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_csv_with_or_without_bom(world, now, encoding):
    job = run(world, csv_bytes(CALLS[:3], encoding=encoding), now, name="export.csv")
    assert job.created_count == 3 and job.headers[0] == "工单编号"


def test_a_dry_run_writes_no_case_and_answers_what_the_real_run_does(world, now):
    content = xlsx_bytes(CALLS)
    dry = run(world, content, now, dry_run=True)
    assert Case.objects.count() == 0 and IntakeRecord.objects.count() == 0
    assert HotlineCall.objects.count() == 0
    real = run(world, content, now)
    assert outcomes(dry) == outcomes(real)
    assert [str(r.problem) for r in dry.rows.all()] == [str(r.problem) for r in real.rows.all()]
    assert [str(r.note) for r in dry.rows.all()] == [str(r.note) for r in real.rows.all()]
    assert (dry.created_count, dry.error_count, dry.note_count) == \
        (real.created_count, real.error_count, real.note_count)
    # After the real run, a dry run says the rows exist.
    again = run(world, content, now, dry_run=True)
    assert again.existing_count == 5 and again.created_count == 0


def test_importing_the_same_file_again_creates_nothing(world, now):
    content = xlsx_bytes(CALLS)
    run(world, content, now)
    again = run(world, content, now)
    assert (again.created_count, again.existing_count, again.error_count) == (0, 5, 3)
    assert Case.objects.count() == 5
    assert {r.case.external_ref for r in again.rows.filter(outcome=Outcome.EXISTING)} == \
        set(GOOD)


def test_a_changed_row_under_a_known_number_is_a_conflict_for_that_row(world, now):
    run(world, xlsx_bytes(CALLS), now)
    changed = [dict(row) for row in CALLS]
    changed[0]["诉求内容"] = "路灯还是不亮，已经第二次反映了。"
    changed[2]["来电时间"] = "2026/11/30 10:45"
    job = run(world, xlsx_bytes(changed), now)
    conflicts = {r.row_number: (r.field, str(r.problem), r.case.external_ref)
                 for r in job.rows.filter(outcome=Outcome.CONFLICT)}
    lamp = Case.objects.get(external_ref="RC2026113000017")
    hole = Case.objects.get(external_ref="RC2026113000058")
    assert conflicts == {
        2: ("", f"工单 RC2026113000017 已作为事项 {lamp.number} 导入，但内容不同。",
            "RC2026113000017"),
        4: ("called_at", f"工单 RC2026113000058 已作为事项 {hole.number} 导入，但来电时间不同。",
            "RC2026113000058"),
    }
    assert job.existing_count == 3 and Case.objects.count() == 5
    assert lamp.description.startswith("海滨路和新华街")


def test_another_source_system_keeps_its_own_numbers(world, now):
    content = xlsx_bytes(CALLS[:2])
    run(world, content, now)
    other = run(world, content, now, source_system="省12345平台")
    assert other.created_count == 2 and Case.objects.count() == 4


def test_a_second_row_with_the_same_number_in_one_file_is_reported(world, now):
    rows = [CALLS[0], CALLS[1], {**CALLS[0], "诉求内容": "重复登记的工单。"}]
    job = run(world, xlsx_bytes(rows), now)
    dup = job.rows.get(row_number=4)
    assert (dup.outcome, dup.field) == (Outcome.ERROR, "external_id")
    assert str(dup.problem) == "工单编号 RC2026113000017 与本文件第 2 行重复。"
    assert job.created_count == 2


def test_an_edited_mapping_reads_the_columns_it_names(world, now):
    headers = ["单号", "时间", "内容", "镇街", "电话"]
    rows = [{"单号": "X-1", "时间": "2026/11/29 09:00", "内容": "小区门口井盖坏了。",
             "镇街": "石岭镇", "电话": "13800001111"}]
    mapping = {"单号": "external_id", "时间": "called_at", "内容": "description",
               "镇街": "town", "电话": ""}
    job = run(world, xlsx_bytes(rows, headers), now, mapping=mapping)
    case = Case.objects.get(external_ref="X-1")
    assert case.town == world.towns[1] and case.reporter_phone == ""
    assert job.mapping["电话"] == ""


def test_only_administrators_import(world, now):
    from huying.common.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_job_create(actor=world.user("supervisor"), file_name="a.xlsx",
                                   content=xlsx_bytes(CALLS), now=now, county=world.county)
    assert ImportJob.objects.count() == 0 and ImportRow.objects.count() == 0
