"""Reading an export file: what it is (the extension and the content must agree), its
header row and its data rows, numbered as the spreadsheet numbers them (header = row 1).

12345 systems export .xlsx, or CSV in UTF-8 (with or without BOM) or in GBK/GB18030; GB18030
is a superset of GBK, so it reads both."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from huying.common.errors import ValidationFailed
from huying.intake.mapping import HEADER_ALIASES, normalise_header
from huying.intake.models import FileFormat

# A county's month of 12345 work orders is a few thousand rows, far below this.
MAX_BYTES_DEFAULT = 20 * 1024 * 1024
EXTENSIONS = {".xlsx": FileFormat.XLSX, ".csv": FileFormat.CSV}
# Magic numbers of what people most often rename by mistake.
OTHER_KINDS: list[tuple[bytes, Any]] = [
    (b"%PDF-", "PDF"), (b"\xd0\xcf\x11\xe0", gettext_lazy("old Excel (.xls) or Word (.doc)")),
               (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"Rar!", "RAR")]

Cell = str | int | float | bool | datetime | date | time | None


def max_bytes() -> int:
    return int(getattr(settings, "HUYING_IMPORT_MAX_BYTES", MAX_BYTES_DEFAULT))


def size_refusal() -> ValidationFailed:
    limit = max_bytes()
    shown = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return ValidationFailed(_("The file is larger than %(limit)s; split the export.")
                            % {"limit": shown}, field="file")


@dataclass(frozen=True)
class Table:
    """The file's header row and where its data begins."""

    file_format: str
    encoding: str
    headers: list[str]


def file_check(name: str, content: bytes) -> Table:
    """The file's format and headers, or ValidationFailed(field="file") saying in Chinese
    what is wrong: size, extension, content, emptiness, the header row."""
    if len(content) > max_bytes():
        raise size_refusal()
    suffix = Path(name or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise ValidationFailed(_("Only .xlsx and .csv exports can be imported, not “%(name)s”.")
                               % {"name": Path(name or "").name[:80]}, field="file")
    if not content.strip():
        raise ValidationFailed(_("The file is empty."), field="file")
    for magic, kind in OTHER_KINDS:
        if content.startswith(magic):
            raise ValidationFailed(
                _("The file is named %(name)s but is really a %(kind)s file; export the work "
                  "orders as .xlsx or .csv.") % {"name": Path(name).name[:80], "kind": kind},
                field="file")
    file_format = EXTENSIONS[suffix]
    if file_format == FileFormat.XLSX:
        if not content.startswith(b"PK\x03\x04"):
            raise ValidationFailed(_("The file is named .xlsx but is not an Excel workbook."),
                                   field="file")
        encoding = ""
    else:
        if content.startswith(b"PK\x03\x04"):
            raise ValidationFailed(_("The file is named .csv but is an Excel workbook; name "
                                     "it .xlsx."), field="file")
        encoding = csv_encoding(content)
    rows = iter_cells(content, file_format, encoding)
    first = next(rows, None)
    if first is None or not any(_blank(c) is False for c in first[1]):
        raise ValidationFailed(_("The file has no header row: the first row must name the "
                                 "columns (工单编号, 诉求内容 …)."), field="file")
    headers = [normalise_header(c) for c in first[1]]
    while headers and not headers[-1]:
        headers.pop()
    if not any(h in HEADER_ALIASES for h in headers) and any(
            not isinstance(c, str) or c.strip().replace("-", "").isdigit()
            for c in first[1] if not _blank(c)):
        raise ValidationFailed(_("The first row holds data, not column names: add the header "
                                 "row of the export (工单编号, 诉求内容 …)."), field="file")
    if "" in headers:
        raise ValidationFailed(_("Column %(n)d of the header row has no name.")
                               % {"n": headers.index("") + 1}, field="file")
    duplicates = sorted({h for h in headers if headers.count(h) > 1})
    if duplicates:
        raise ValidationFailed(_("The header row names the column “%(column)s” twice.")
                               % {"column": duplicates[0]}, field="file")
    if next(rows, None) is None:
        raise ValidationFailed(_("The file has a header row but no work orders."),
                               field="file")
    return Table(file_format=file_format, encoding=encoding, headers=headers)


def csv_encoding(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        content.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise ValidationFailed(_("The CSV file is neither UTF-8 nor GBK text; save it as "
                                 "UTF-8 CSV."), field="file") from None


def iter_cells(content: bytes, file_format: str, encoding: str
               ) -> Iterator[tuple[int, list[Cell]]]:
    """(row number, cells) for every non-blank row, the header row included."""
    if file_format == FileFormat.XLSX:
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise ValidationFailed(_("The Excel workbook cannot be read; it may be damaged."),
                                   field="file") from None
        try:
            sheet = book.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = list(values)
                if any(not _blank(c) for c in cells):
                    yield number, cells
        finally:
            book.close()
        return
    text = content.decode(encoding)
    # csv numbers physical lines; quoted cells may span lines, so count records instead.
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if any(not _blank(c) for c in cells):
            yield number, list(cells)


def data_rows(path: Path, file_format: str, encoding: str, headers: list[str]
              ) -> Iterator[tuple[int, dict[str, Cell]]]:
    """The data rows under the header, each as {header: cell}."""
    rows = iter_cells(path.read_bytes(), file_format, encoding)
    next(rows, None)
    for number, cells in rows:
        yield number, {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(headers)}


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
