"""POST /cases/{number}/attachments and GET /files/<id>: what a file really is decides."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huying.cases.models import Attachment, CaseStatus
from huying.cases.tests.conftest import dispatched, report
from huying.org.auth import token_issue

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 200
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200


def office(main_part: str | None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if main_part:
            archive.writestr("[Content_Types].xml",
                             f'<Types><Override ContentType="application/vnd.openxmlformats-'
                             f'officedocument.{main_part}"/></Types>')
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, number: str, name: str, content: bytes, **form):
    return client.post(f"/api/v1/cases/{number}/attachments",
                       {"file": SimpleUploadedFile(name, content), **form})


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("现场.jpg", JPEG, "image/jpeg"), ("现场.JPEG", JPEG, "image/jpeg"),
    ("现场.png", PNG, "image/png"), ("现场.webp", WEBP, "image/webp"),
    ("回复函.pdf", PDF, "application/pdf"),
    ("报告.docx", office("wordprocessingml.document.main+xml"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("台账.xlsx", office("spreadsheetml.sheet.main+xml"),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("说明.txt", "路灯已修复。".encode(), "text/plain; charset=utf-8"),
])
def test_accepted_files_are_stored_with_their_real_type(world, api_as, uploads, name, content,
                                                        content_type):
    case = report(world)
    response = upload(api_as("initiator_a"), case.number, name, content)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["content_type"], body["size"]) == (name, content_type,
                                                                  len(content))
    attachment = Attachment.objects.get()
    stored = uploads / attachment.file.name
    assert stored.read_bytes() == content
    assert name.rsplit(".", 1)[0] not in attachment.file.name  # a random name on disk
    case.refresh_from_db()
    last = case.events.order_by("-seq").first()
    assert (last.action, last.from_status, last.to_status) == ("attach", CaseStatus.REGISTERED,
                                                                CaseStatus.REGISTERED)
    assert last.payload["sha256"] == body["sha256"]


@pytest.mark.parametrize(("name", "content"), [
    ("照片.jpg", PDF),  # a .jpg that is really a PDF
    ("setup.exe", EXE),
    ("setup.pdf", EXE),
    ("报告.docx", office(None)),  # a zip that is no Office file
    ("报告.docx", office("spreadsheetml.sheet.main+xml")),  # a workbook named .docx
    ("notes.txt", b"\xff\xfe\x00bad"),
    ("empty.pdf", b""),
])
def test_other_or_disguised_files_are_refused_and_nothing_is_kept(world, api_as, uploads,
                                                                  name, content):
    case = report(world)
    response = upload(api_as("initiator_a"), case.number, name, content)
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "file"
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in uploads.rglob("*"))
    assert case.events.count() == 2


def test_too_large_a_file_is_refused(world, api_as, settings):
    settings.HUYING_UPLOAD_MAX_BYTES = 100
    case = report(world)
    response = upload(api_as("initiator_a"), case.number, "现场.jpg", JPEG)
    assert response.status_code == 422
    assert not Attachment.objects.exists()


def test_a_case_holds_a_limited_number_of_files(world, api_as, settings):
    settings.HUYING_UPLOAD_MAX_PER_CASE = 1
    case = report(world)
    client = api_as("initiator_a")
    assert upload(client, case.number, "1.jpg", JPEG).status_code == 201
    assert upload(client, case.number, "2.jpg", JPEG).status_code == 422
    assert Attachment.objects.count() == 1


def test_a_department_attaches_through_its_assignment(world, api_as):
    case, (lead, _co) = dispatched(world)
    client = api_as("responder_d05")
    assert upload(client, case.number, "现场.jpg", JPEG).status_code == 403
    response = upload(client, case.number, "现场.jpg", JPEG, assignment=lead.pk)
    assert response.status_code == 201 and response.json()["assignment_id"] == lead.pk


def test_attaching_to_a_closed_or_invisible_case_is_refused(world, api_as, now):
    from huying.cases import services as cs

    case = report(world)
    cs.case_reject(case=case, actor=world.user("initiator_a"), reason="不属实", now=now)
    assert upload(api_as("initiator_a"), case.number, "a.jpg", JPEG).status_code == 409
    other = report(world)
    assert upload(api_as("initiator_b"), other.number, "a.jpg", JPEG).status_code == 404
    assert upload(api_as("initiator_a"), other.number, "a.jpg", JPEG,
                  expected_version=1).status_code == 409
    assert not Attachment.objects.exists()


def test_download_names_the_file_and_forbids_sniffing(world, api_as, client, now):
    case = report(world)
    file_id = upload(api_as("initiator_a"), case.number, "现场 照片.jpg", JPEG).json()["id"]
    url = f"/files/{file_id}"
    response = api_as("supervisor").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert "%E7%8E%B0%E5%9C%BA" in response["Content-Disposition"]  # 现场, RFC 5987
    assert api_as("initiator_b").get(url).status_code == 404
    assert api_as("initiator_b").get("/files/999999").status_code == 404
    assert client.get(url).status_code == 401
    _token, plaintext = token_issue(actor=None, user=world.user("initiator_a"), name="app",
                                    now=now)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code == 200


def test_the_detail_lists_attachments_with_their_download_url(world, api_as):
    case = report(world)
    client = api_as("initiator_a")
    file_id = upload(client, case.number, "现场.png", PNG).json()["id"]
    detail = client.get(f"/api/v1/cases/{case.number}").json()
    assert [(a["id"], a["url"]) for a in detail["attachments"]] == [(file_id,
                                                                     f"/files/{file_id}")]
