"""Slips as Word documents in the official layout (公文格式): the issuing office in red over
a red rule, the title, the number, the addressee, the body, the cases, the deadline, and the
date and office at the foot."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from huying.supervision.models import Slip, SlipKind
from huying.supervision.slips import issuing_office

RED = RGBColor(0xC0, 0x00, 0x00)
BODY_FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"


def slip_title(kind: str) -> str:
    return {SlipKind.PROMPT: _("Prompt slip"), SlipKind.SUPERVISION: _("Supervision slip"),
            SlipKind.WARNING: _("Warning slip")}[SlipKind(kind)]


def chinese_date(moment) -> str:
    local = timezone.localtime(moment)
    return _("%(year)d-%(month)d-%(day)d") % {"year": local.year, "month": local.month,
                                              "day": local.day}


def run_font(run, name: str, size: float, *, bold: bool = False, colour: RGBColor | None = None):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # East Asian text takes its font from eastAsia, not from the Latin name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if colour is not None:
        run.font.color.rgb = colour
    return run


def red_rule(paragraph) -> None:
    """A red line under the header paragraph (a bottom border, as official templates do)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"),
                        ("w:color", "C00000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def paragraph_add(doc, text: str, *, size: float = 16, align=None, bold: bool = False,
                  font: str = BODY_FONT, colour: RGBColor | None = None,
                  indent: bool = False):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    run_font(paragraph.add_run(text), font, size, bold=bold, colour=colour)
    return paragraph


def table_add(doc, headers: list[str], rows: list[list[object]], *, size: float = 12):
    """A gridded table, centred, bold headers, every cell in the body font."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run_font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, size, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            run_font(cell.paragraphs[0].add_run("" if text is None else str(text)),
                     BODY_FONT, size)
    return table


def slip_document(slip: Slip) -> bytes:
    """The slip as a .docx file."""
    doc = Document()
    office = issuing_office(slip.county)
    header = paragraph_add(doc, office, size=26, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
                           font=TITLE_FONT, colour=RED)
    red_rule(header)
    paragraph_add(doc, slip_title(slip.kind), size=22, align=WD_ALIGN_PARAGRAPH.CENTER,
                  bold=True, font=TITLE_FONT)
    # Number, recipients, body and copy line are stored messages, rendered here in the
    # reader's language.
    paragraph_add(doc, str(slip.number), size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    if slip.recipients:
        paragraph_add(doc, _("%(recipients)s:") % {"recipients": slip.recipients})
    for line in str(slip.body).splitlines() or [""]:
        paragraph_add(doc, line, indent=True)
    cases = list(slip.cases.select_related("matter_type", "town").order_by("number"))
    if cases:
        paragraph_add(doc, _("Cases concerned:"), bold=True)
        heads = [_("Case number"), _("Title"), _("Matter type"), _("Town/street"),
                 _("Status")]
        table_add(doc, heads, [[case.number, case.title,
                                case.matter_type.name if case.matter_type else "",
                                case.town.name if case.town else "", case.get_status_display()]
                               for case in cases])
    if slip.deadline:
        paragraph_add(doc, _("Rectification deadline: %(deadline)s") % {
            "deadline": timezone.localtime(slip.deadline).strftime("%Y-%m-%d %H:%M")},
            bold=True)
    if slip.reply:
        paragraph_add(doc, _("Reply: %(reply)s") % {"reply": slip.reply})
    paragraph_add(doc, "")
    paragraph_add(doc, office, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph_add(doc, chinese_date(slip.issued_at), align=WD_ALIGN_PARAGRAPH.RIGHT)
    if slip.copied_to:
        copied = paragraph_add(doc, _("Copied to: %(copied)s") % {"copied": slip.copied_to},
                            size=14)
        copied.paragraph_format.space_before = Pt(24)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def slip_filename(slip: Slip) -> str:
    return f"{slip_title(slip.kind)}-{slip.number}.docx"
