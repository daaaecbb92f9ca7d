"""The admin pages: upload → columns and mapping → start → progress JSON → report, for
administrators only."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from huying.cases.models import Case
from huying.intake.models import ImportJob, JobStatus
from huying.intake.tests.conftest import CALLS, HEADERS, xlsx_bytes
from huying.intake.tests.test_reading import PDF

ADD = "/admin/intake/importjob/add/"


@pytest.fixture
def huey_immediate():
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


def signed_in(world, key: str) -> Client:
    client = Client()
    client.force_login(world.user(key))
    return client


def upload(client: Client, world, content: bytes, name: str = "12345工单.xlsx", **extra):
    data = {"file": SimpleUploadedFile(name, content), "county": world.county.pk,
            "source_system": "12345导入", **extra}
    return client.post(ADD, data)


def test_upload_edit_the_mapping_start_follow_and_download(world, huey_immediate,
                                                           django_capture_on_commit_callbacks):
    admin = signed_in(world, "admin")
    page = admin.get(ADD)
    assert page.status_code == 200 and "导入 12345 工单" in page.text
    response = upload(admin, world, xlsx_bytes(CALLS))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/change/")
    assert job.status == JobStatus.DRAFT and job.created_by == world.user("admin")

    page = admin.get(response["Location"])
    assert page.status_code == 200
    assert "文件各列及其导入方式" in page.text and "RC2026113000017" in page.text
    phone = HEADERS.index("联系电话")
    assert f'name="map-{phone}"' in page.text
    assert '<option value="reporter_phone" selected>联系电话</option>' in page.text

    # The user stops reading the phone column: row 7's bad number no longer matters.
    form = {f"map-{i}": job.mapping[h] for i, h in enumerate(HEADERS)}
    form[f"map-{phone}"] = ""
    with django_capture_on_commit_callbacks(execute=True):
        started = admin.post(f"/admin/intake/importjob/{job.pk}/start/", form)
    assert started.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.mapping["联系电话"] == ""
    assert Case.objects.get(external_ref="RC2026113000088").reporter_phone == ""

    progress = admin.get(f"/admin/intake/importjob/{job.pk}/progress/").json()
    assert progress == {
        "id": job.pk, "status": "done", "status_label": "已完成", "dry_run": False,
        "total": 8, "processed": 8, "percent": 100, "created": 6, "existing": 0,
        "conflict": 0, "error": 2, "notes": 2, "finished": True, "failure": ""}

    page = admin.get(f"/admin/intake/importjob/{job.pk}/change/")
    assert "下载逐行问题清单" in page.text and "诉求内容为空。" in page.text
    report = admin.get(f"/admin/intake/importjob/{job.pk}/report.xlsx")
    assert report.status_code == 200
    assert "filename*=UTF-8''12345" in report["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert [r[:3] for r in rows[1:]] == [(5, "RC2026113000063", "诉求类型"),
                                         (6, "RC2026113000071", "诉求类型"),
                                         (8, "RC2026113000095", "诉求内容"),
                                         (9, "RC2026113000102", "所属镇街")]
    assert admin.get("/admin/intake/importjob/").status_code == 200


def test_a_dry_run_chosen_on_the_page_writes_no_case(world, huey_immediate,
                                                      django_capture_on_commit_callbacks):
    admin = signed_in(world, "admin")
    upload(admin, world, xlsx_bytes(CALLS))
    job = ImportJob.objects.get()
    form = {f"map-{i}": job.mapping[h] for i, h in enumerate(HEADERS)} | {"dry_run": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/admin/intake/importjob/{job.pk}/start/", form)
    job.refresh_from_db()
    assert job.dry_run and job.status == JobStatus.DONE and job.created_count == 5
    assert Case.objects.count() == 0
    assert "将新建" in admin.get(f"/admin/intake/importjob/{job.pk}/change/").text


def test_a_bad_mapping_is_refused_on_the_page_and_nothing_starts(world):
    admin = signed_in(world, "admin")
    upload(admin, world, xlsx_bytes(CALLS))
    job = ImportJob.objects.get()
    form = {f"map-{i}": job.mapping[h] for i, h in enumerate(HEADERS)}
    form[f"map-{HEADERS.index('诉求内容')}"] = ""
    response = admin.post(f"/admin/intake/importjob/{job.pk}/start/", form)
    assert response.status_code == 422 and "请为以下字段各指定一列：诉求内容。" in response.text
    job.refresh_from_db()
    assert job.status == JobStatus.DRAFT and job.mapping["诉求内容"] == "description"


@pytest.mark.parametrize(("name", "content", "text"), [
    ("12345工单.xlsx", PDF, "实际是 PDF 文件"),
    ("12345工单.xlsx", b"", "所提交的是空文件。"),
    ("12345工单.docx", xlsx_bytes(CALLS), "只能导入 .xlsx 或 .csv"),
    ("12345工单.csv", "工单编号,诉求内容\n".encode(), "没有工单数据"),
])
def test_a_bad_upload_is_refused_with_a_clear_message(world, name, content, text):
    response = upload(signed_in(world, "admin"), world, content, name=name)
    assert response.status_code == 422 and text in response.text
    assert ImportJob.objects.count() == 0


def test_a_file_over_the_limit_is_refused_before_it_is_read(world, settings):
    settings.HUYING_IMPORT_MAX_BYTES = 1024
    response = upload(signed_in(world, "admin"), world, xlsx_bytes(CALLS))
    assert response.status_code == 422 and "文件超过 1 KB，请分批导出。" in response.text
    assert ImportJob.objects.count() == 0


def test_only_administrators_reach_the_import_pages(world, now):
    from huying.intake import services

    job = services.import_job_create(actor=None, file_name="a.xlsx", content=xlsx_bytes(CALLS),
                                     now=now, county=world.county)
    staff = world.user("supervisor")
    staff.is_staff = True
    staff.save()
    urls = [ADD, f"/admin/intake/importjob/{job.pk}/change/",
            f"/admin/intake/importjob/{job.pk}/progress/",
            f"/admin/intake/importjob/{job.pk}/report.xlsx"]
    for url in urls:
        assert signed_in(world, "supervisor").get(url).status_code == 403, url
        outsider = signed_in(world, "initiator_a").get(url)
        assert outsider.status_code == 302 and "/admin/login/" in outsider["Location"], url
    for url in (f"/admin/intake/importjob/{job.pk}/start/",
                f"/admin/intake/importjob/{job.pk}/resume/"):
        assert signed_in(world, "supervisor").post(url, {}).status_code == 403
    assert signed_in(world, "supervisor").post(ADD, {}).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.DRAFT and ImportJob.objects.count() == 1
