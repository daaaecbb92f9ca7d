"""Photos and documents on a case (附件).

What a file is comes from its first bytes, never from the name or the browser's content type:
a `.jpg` that is really a PDF, or a program renamed to `.pdf`, is refused. Files are stored
under MEDIA_ROOT (HUYING_VAR_DIR/uploads) with random names, outside anything served
statically, and are read back only through the download view, which checks visibility.
"""

from __future__ import annotations

import hashlib
import os
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from huying.cases.models import Assignment, Attachment, Case
from huying.cases.services import case_lock, case_move
from huying.cases.states import CASE
from huying.common.errors import ValidationFailed
from huying.org.models import User

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PER_CASE = 30
SNIFF_BYTES = 64
# [Content_Types].xml of a real Office file is a few kB; a bigger one is not worth parsing.
CONTENT_TYPES_MAX = 256 * 1024


@dataclass(frozen=True)
class FileKind:
    key: str
    content_type: str
    extensions: tuple[str, ...]


JPEG = FileKind("jpeg", "image/jpeg", ("jpg", "jpeg"))
PNG = FileKind("png", "image/png", ("png",))
GIF = FileKind("gif", "image/gif", ("gif",))
WEBP = FileKind("webp", "image/webp", ("webp",))
PDF = FileKind("pdf", "application/pdf", ("pdf",))
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document", ("docx",))
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ("xlsx",))
TEXT = FileKind("text", "text/plain; charset=utf-8", ("txt",))
ACCEPTED = (JPEG, PNG, GIF, WEBP, PDF, DOCX, XLSX, TEXT)


def kind_label(kind: FileKind) -> str:
    return {"jpeg": _("a JPEG image"), "png": _("a PNG image"), "gif": _("a GIF image"),
            "webp": _("a WebP image"), "pdf": _("a PDF document"),
            "docx": _("a Word document (.docx)"), "xlsx": _("an Excel workbook (.xlsx)"),
            "text": _("a plain text file")}[kind.key]


def office_kind(file: IO[bytes]) -> FileKind | None:
    """DOCX or XLSX by the main part its [Content_Types].xml declares."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_MAX:
                return None
            types = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    if "wordprocessingml.document.main+xml" in types:
        return DOCX
    if "spreadsheetml.sheet.main+xml" in types:
        return XLSX
    return None


def is_utf8_text(file: IO[bytes]) -> bool:
    file.seek(0)
    data = file.read()
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(file: IO[bytes], extension: str) -> FileKind | None:
    """The kind the bytes say the file is; plain text only for a `.txt` name, since almost
    any bytes could pass for text."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    kind: FileKind | None = None
    if head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = GIF
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = WEBP
    elif head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"PK\x03\x04"):
        kind = office_kind(file)
    elif extension in TEXT.extensions and is_utf8_text(file):
        kind = TEXT
    file.seek(0)
    return kind


def clean_name(name: str) -> str:
    """The base name the user gave, without path or control characters, at most 200."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot else name[:200]
    return name


def extension_of(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def upload_check(upload, *, name: str) -> FileKind:
    """Size, then what the bytes are, then whether the name agrees with them."""
    max_bytes = getattr(settings, "HUYING_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)
    if upload.size == 0:
        raise ValidationFailed(_("The file %(name)s is empty.") % {"name": name}, field="file")
    if upload.size > max_bytes:
        raise ValidationFailed(
            _("The file %(name)s is %(size).1f MB; files may be at most %(max).1f MB.")
            % {"name": name, "size": upload.size / 1048576, "max": max_bytes / 1048576},
            field="file")
    extension = extension_of(name)
    kind = sniff(upload, extension)
    if kind is None:
        raise ValidationFailed(
            _("The file %(name)s is not an accepted type. Accepted: JPEG, PNG, GIF and WebP "
              "images, PDF, Word (.docx), Excel (.xlsx) and UTF-8 text (.txt).")
            % {"name": name}, field="file")
    if extension not in kind.extensions:
        raise ValidationFailed(
            _("The file %(name)s is really %(kind)s: its name must end in .%(ext)s.")
            % {"name": name, "kind": kind_label(kind), "ext": kind.extensions[0]},
            field="file")
    return kind


def digest_of(upload) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


@transaction.atomic
def attachment_add(*, case: Case, actor: User, upload, now: datetime,
                   assignment: Assignment | None = None,
                   expected_version: int | None = None) -> Attachment:
    """Attach a file to a case (and optionally to one of its assignments). A department
    attaches through its assignment; the grid, the town and the centre to the case itself."""
    name = clean_name(getattr(upload, "name", ""))
    if not name:
        raise ValidationFailed(_("The file has no name."), field="file")
    case = case_lock(case, expected_version)
    if assignment is not None and assignment.case_id != case.pk:
        raise ValidationFailed(_("The assignment does not belong to this case."),
                               field="assignment")
    transition = CASE.check(case.status, "attach", actor=actor, case=case,
                            assignment=assignment)
    max_count = getattr(settings, "HUYING_UPLOAD_MAX_PER_CASE", DEFAULT_MAX_PER_CASE)
    if case.attachments.count() >= max_count:
        raise ValidationFailed(_("A case may have at most %(max)d files.") % {"max": max_count},
                               field="file")
    kind = upload_check(upload, name=name)
    sha256 = digest_of(upload)
    stored = default_storage.save(
        f"cases/{now:%Y/%m}/{uuid.uuid4().hex}.{kind.extensions[0]}", upload)
    # If anything below fails the row is rolled back; remove the file with it.
    try:
        attachment = Attachment.objects.create(
            case=case, assignment=assignment, file=stored, original_name=name,
            content_type=kind.content_type, size=upload.size, sha256=sha256,
            uploaded_by=actor, uploaded_at=now)
        case_move(case=case, transition=transition, actor=actor, now=now,
                  payload={"attachment": attachment.pk, "name": name, "sha256": sha256,
                           "size": upload.size, "content_type": kind.content_type,
                           "assignment": assignment.pk if assignment else None})
    except BaseException:
        default_storage.delete(stored)
        raise
    return attachment


def attachments_prune_orphans(*, now: datetime, older_than: timedelta = timedelta(hours=24),
                              dry_run: bool = False) -> list[str]:
    """Delete stored files that no attachment row refers to.

    They are left behind when an upload's file was saved but an enclosing transaction
    rolled back afterwards. Only files older than `older_than` are touched, so an upload
    whose transaction is still open is never taken. Returns the storage names removed (or
    that would be, with `dry_run`)."""
    root = Path(settings.MEDIA_ROOT) / "cases"
    if not root.exists():
        return []
    cutoff = (now - older_than).timestamp()
    referenced = set(Attachment.objects.values_list("file", flat=True))
    removed = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(settings.MEDIA_ROOT).as_posix()
        if name in referenced or path.stat().st_mtime > cutoff:
            continue
        if not dry_run:
            default_storage.delete(name)
        removed.append(name)
    return removed
