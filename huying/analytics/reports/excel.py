"""A report as an Excel workbook: the summary first, then one sheet per section, in the
workbook style of every export (`assessment.bulletins.sheet_write`)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from huying.analytics.reports.data import REPORT_LANGUAGE, Report
from huying.assessment.bulletins import sheet_write

# Characters Excel refuses in a sheet's name, and its longest name.
_NOT_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})
SHEET_NAME_MAX = 31


def sheet_name(title: str, taken: set[str]) -> str:
    name = title.translate(_NOT_IN_SHEET_NAMES).strip()[:SHEET_NAME_MAX] or "Sheet"
    candidate, n = name, 2
    while candidate in taken:
        suffix = f" {n}"
        candidate, n = name[:SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def report_facts(report: Report) -> list[list[str]]:
    """Number, periods and time of generation: the head of the summary sheet and of the
    document."""
    facts = [[_("Report number"), report.number],
             [_("Reporting period"), f"{report.first:%Y-%m-%d} — {report.last:%Y-%m-%d}"],
             [_("Compared with"),
              f"{report.previous_first:%Y-%m-%d} — {report.previous_last:%Y-%m-%d}"],
             [_("Generated at"),
              timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")]]
    if not report.complete:
        facts.append([_("Note"), _("The period had not ended when this report was "
                                   "generated: its figures are those of that moment.")])
    return facts


def report_workbook(report: Report) -> bytes:
    with translation.override(REPORT_LANGUAGE):
        book = Workbook()
        taken: set[str] = set()
        summary = book.active
        summary.title = sheet_name(_("Analysis summary"), taken)
        rows = report_facts(report) + [
            [_("Analysis %(n)d") % {"n": index}, sentence]
            for index, sentence in enumerate(report.summary, start=1)]
        sheet_write(summary, report.title, [_("Item of the report"), _("Content")], rows,
                    max_width=100)
        for row in summary.iter_rows(min_row=3, min_col=2, max_col=2):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
        for section in report.sections:
            sheet = book.create_sheet(sheet_name(section.title, taken))
            rows = section.rows or [[section.empty]]
            sheet_write(sheet, f"{report.title} — {section.title}", section.headers, rows)
            if section.note:
                sheet.append([])
                sheet.append([section.note])
                sheet.cell(row=sheet.max_row, column=1).font = Font(italic=True, size=9)
            if section.wrap is not None:
                column = sheet.cell(row=2, column=section.wrap + 1).column_letter
                sheet.column_dimensions[column].width = 60
                for cell in sheet[column][2:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        buffer = BytesIO()
        book.save(buffer)
        return buffer.getvalue()
