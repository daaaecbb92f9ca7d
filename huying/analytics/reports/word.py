"""A report as a Word document in the shape offices file a 周研判 or 月报告: the issuing
office in red over a red rule, the title, the number and date, the 研判 summary, then each
section under its Chinese ordinal (一、二、…) with its table, and the office and date at the
foot. The layout helpers are the slips' (`supervision.documents`)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from huying.analytics.reports.data import REPORT_LANGUAGE, Report, ordinal
from huying.supervision.documents import (
    RED,
    TITLE_FONT,
    chinese_date,
    paragraph_add,
    red_rule,
    table_add,
)

HEADING_FONT = "黑体"
TABLE_SIZE = 9  # 小五: a table of eleven columns fits an A4 page
WIDE = 8  # tables with more columns are set on a landscape page


def _a4(section, *, landscape: bool = False) -> None:
    width, height = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)


def report_document(report: Report) -> bytes:
    with translation.override(REPORT_LANGUAGE):
        doc = Document()
        _a4(doc.sections[0])
        header = paragraph_add(doc, report.office, size=22, align=WD_ALIGN_PARAGRAPH.CENTER,
                               bold=True, font=TITLE_FONT, colour=RED)
        red_rule(header)
        paragraph_add(doc, report.title, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
                      font=TITLE_FONT)
        generated = timezone.localtime(report.generated_at)
        paragraph_add(doc, _("%(number)s · generated %(date)s %(time)s") % {
            "number": report.number, "date": chinese_date(generated),
            "time": generated.strftime("%H:%M")}, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
        if not report.complete:
            paragraph_add(doc, _("The period had not ended when this report was generated: "
                                 "its figures are those of that moment."), size=12,
                          align=WD_ALIGN_PARAGRAPH.CENTER)

        paragraph_add(doc, f"{ordinal(1)}、{_('Analysis summary')}", size=16, font=HEADING_FONT)
        for sentence in report.summary:
            paragraph_add(doc, sentence, size=14, indent=True)

        landscape = False
        for index, section in enumerate(report.sections, start=2):
            wide = len(section.headers) > WIDE
            if wide != landscape:  # a new page section only where the orientation changes
                landscape = wide
                _a4(doc.add_section(), landscape=landscape)
            paragraph_add(doc, f"{ordinal(index)}、{section.title}", size=16,
                          font=HEADING_FONT)
            if section.rows:
                table_add(doc, section.headers, section.rows, size=TABLE_SIZE)
            else:
                paragraph_add(doc, section.empty, size=14, indent=True)
            if section.note:
                paragraph_add(doc, section.note, size=10)

        paragraph_add(doc, "")
        paragraph_add(doc, report.office, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph_add(doc, chinese_date(report.generated_at), size=14,
                      align=WD_ALIGN_PARAGRAPH.RIGHT)
        buffer = BytesIO()
        doc.save(buffer)
        return buffer.getvalue()
