"""The row-level report of an import as .xlsx (行号, 工单编号, 字段, 问题, 结果): every row
that was refused, conflicted or carries a note, in the order of the file."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from huying.intake.mapping import FIELDS
from huying.intake.models import ImportJob, ImportRow, Outcome


def field_label(job: ImportJob, field: str) -> str:
    """The column of the user's own file a field came from, else the field's name."""
    if not field:
        return ""
    if field == "location":
        # The file's own order: JSON objects keep no order in PostgreSQL's jsonb.
        columns = [c for c in job.headers if job.mapping.get(c) in ("longitude", "latitude")]
        return "、".join(columns) or _("Location")
    column = next((c for c in job.headers if job.mapping.get(c) == field), None)
    if column:
        return column
    return str(FIELDS.get(field, field))


def rows_reported(job: ImportJob):
    return (ImportRow.objects.filter(job=job)
            .exclude(outcome__in=[Outcome.CREATED, Outcome.EXISTING], has_note=False)
            .select_related("case").order_by("row_number"))


def report_xlsx(job: ImportJob) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Problems")
    headers = [_("Row"), _("Work-order number"), _("Field"), _("Problem"), _("Outcome")]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows_reported(job):
        problem = str(row.problem) if row.problem else str(row.note)
        sheet.append([row.row_number, row.external_id, field_label(job, row.field), problem,
                      str(Outcome(row.outcome).label)])
    for letter, width in zip("ABCDE", (8, 22, 14, 70, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
