"""The bulletin (通报): the period's rankings and indicators as an Excel workbook, always in
Chinese (it is published to the departments and towns)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from huying.analytics import indicators as ind
from huying.analytics.periods import period_bounds, period_label
from huying.assessment.models import Dimension, Scheme
from huying.assessment.selectors import ranking_for_period
from huying.assessment.services import scheme_default
from huying.org.models import OrgUnit

BULLETIN_LANGUAGE = "zh-hans"


def bulletin_title(county: OrgUnit, period_kind: str, day: date) -> str:
    """"示范市“乡呼县应”工作通报（2026年11月上半月）"."""
    return _("%(county)s “乡呼县应” work bulletin (%(period)s)") % {
        "county": county.name, "period": period_label(period_kind, day)}


def display_width(value: object) -> int:
    """Columns a value takes in a spreadsheet: a Chinese character two, others one."""
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def sheet_write(sheet: Worksheet, title: str, headers: list[str], rows: list[list], *,
                max_width: int = 60) -> None:
    """The workbook style of every export: the title merged across the first row, bold
    headers on the second, frozen under them, each column as wide as its widest cell."""
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    widths = [display_width(header) for header in headers]
    for row in rows:
        values = [float(v) if isinstance(v, Decimal) else v for v in row]
        sheet.append(values)
        for index, value in enumerate(values[:len(widths)]):
            widths[index] = max(widths[index], display_width(value))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, width + 2),
                                                                       max_width)


def _score(value: Decimal | None) -> float | str:
    return "—" if value is None else float(value)


def bulletin_export(*, county: OrgUnit, period_kind: str, day: date,
                    scheme: Scheme | None = None) -> bytes:
    """The workbook: department ranking (score, points per dimension, deductions), town
    ranking, and the county's indicator table with each town's column."""
    start, end = period_bounds(period_kind, day)
    scheme = scheme or scheme_default()
    with translation.override(BULLETIN_LANGUAGE):
        title = bulletin_title(county, period_kind, day)
        book = Workbook()

        departments = ranking_for_period(county=county, kind="department", period_start=start,
                                         period_end=end, scheme=scheme)
        by_evaluation = {row.subject_id: row for row in ranking_for_period(
            county=county, kind="department", period_start=start, period_end=end,
            by="town_evaluation")}
        dimension_codes = [code for code, _label in Dimension.choices]
        sheet = book.active
        sheet.title = _("Department ranking")
        headers = [_("Rank"), _("Department"), _("Score")]
        if departments and "rates" not in departments[0].details:
            headers += [str(label) for _code, label in Dimension.choices]
        headers += [_("Deductions"), _("Town evaluation satisfaction (%)")]
        rows = []
        for row in departments:
            line = [row.rank, row.name, _score(row.score)]
            if "rates" not in row.details:
                line += [row.details["dimensions"].get(code) for code in dimension_codes]
            evaluation = by_evaluation.get(row.subject_id)
            line += [row.details["deductions"],
                     _score(evaluation.score if evaluation else None)]
            rows.append(line)
        sheet_write(sheet, title, headers, rows)

        towns = ranking_for_period(county=county, kind="town", period_start=start,
                                   period_end=end)
        sheet_write(book.create_sheet(_("Town ranking")), title,
               [_("Rank"), _("Towns and streets"), _("Score"), _("Closure rate"),
                _("On-time closure rate"), _("Share resolved locally"), _("Call quality")],
               [[row.rank, row.name, _score(row.score)]
                + [row.details[code].fraction + "（" + row.details[code].percent + "）"
                   for code in ("closure_rate", "on_time_closure_rate",
                                "local_resolution_share", "call_quality_rate")]
                for row in towns])

        scopes = [(county.name, ind.Scope(county=county))] + [
            (town.name, ind.Scope(county=county, town=town))
            for town in OrgUnit.objects.filter(pk__in=[row.subject_id for row in towns])
            .order_by("code")]
        columns = [(name, ind.indicators_for(scope, start, end)) for name, scope in scopes]
        table = []
        for index, item in enumerate(ind.INDICATORS):
            table.append([str(item.name)] + [values[index].display for _n, values in columns])
        sheet_write(book.create_sheet(_("Indicators")), title,
               [_("Indicator")] + [name for name, _v in columns], table)

        buffer = BytesIO()
        book.save(buffer)
        return buffer.getvalue()
