"""The report as data: what `assembly.py` builds, `summary.py` words, the renderers and the
page show, and the issue stores as JSON (`report_to_json`, `report_from_json`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from pydantic import TypeAdapter

Cell = str | int | float | None
ORDINALS = "一二三四五六七八九十"



REPORT_LANGUAGE = "zh-hans"  # issued to the offices of the county: always in Chinese

@dataclass(frozen=True)
class Headline:
    """A counter of the period beside the previous period's."""

    code: str
    label: str
    value: int
    previous: int
    definition: str = ""

    @property
    def delta(self) -> int:
        return self.value - self.previous

    @property
    def change(self) -> float | None:
        """The relative change (0.12 for +12 %), None when the previous period had none."""
        return None if not self.previous else self.delta / self.previous


@dataclass(frozen=True)
class Rate:
    """An indicator of the period and of the previous one (rates as 0–1, None when nothing
    was counted; an average's value in working days)."""

    code: str
    name: str
    definition: str
    display: str
    previous_display: str
    value: float | None
    previous: float | None
    numerator: int | None = None
    denominator: int | None = None
    is_ratio: bool = True


@dataclass(frozen=True)
class Section:
    """A table of the report: one sheet of the workbook, one part of the document."""

    code: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    note: str = ""
    empty: str = ""
    wrap: int | None = None  # the column of long text (definitions), 0-based


@dataclass(frozen=True)
class Report:
    county_code: str
    county_name: str
    kind: str
    first: date
    last: date
    previous_first: date
    previous_last: date
    generated_at: datetime
    complete: bool  # generated after the period ended
    title: str
    kind_label: str
    period_label: str
    number: str
    office: str
    headlines: list[Headline]
    rates: list[Rate]
    summary: list[str]
    sections: list[Section] = field(default_factory=list)

    def headline(self, code: str) -> Headline:
        return next(h for h in self.headlines if h.code == code)

    def rate(self, code: str) -> Rate:
        return next(r for r in self.rates if r.code == code)

    def section(self, code: str) -> Section:
        return next(s for s in self.sections if s.code == code)


_ADAPTER = TypeAdapter(Report)


def report_to_json(report: Report) -> dict:
    return _ADAPTER.dump_python(report, mode="json")


def report_from_json(data: dict) -> Report:
    return _ADAPTER.validate_python(data)


@dataclass(frozen=True)
class Share:
    """A breakdown row with its previous period's count and its share of the period's
    reports (None when nothing was reported)."""

    key: object  # 0 or "" for the row of cases without a value (no town, no matter type)
    label: str
    received: int
    previous: int
    measures: dict[str, int]
    share: float | None = None


@dataclass(frozen=True)
class Ranked:
    name: str
    score: Decimal | None


@dataclass(frozen=True)
class Overdue:
    total_cases: int
    by_department: dict[str, int]


# ---------------------------------------------------------------------------------------
# formatting


def number(value: int) -> str:
    return f"{value:,}"


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def change_text(current: int, previous: int) -> str:
    """"↑12.0%", "↓3.1%", "持平", or "上期为0" when there is nothing to compare with."""
    if current == previous:
        return _("unchanged")
    if not previous:
        return _("none the period before")
    change = (current - previous) / previous
    arrow = "↑" if change > 0 else "↓"
    return f"{arrow}{abs(change) * 100:.1f}%"


def points_text(current: float | None, previous: float | None) -> str:
    """A rate's change in percentage points: "+1.50 个百分点"."""
    if current is None or previous is None:
        return "—"
    delta = (current - previous) * 100
    if abs(delta) < 0.005:
        return _("unchanged")
    return _("%(delta)s points") % {"delta": f"{delta:+.2f}"}


def ordinal(index: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 12 → 十二, 20 → 二十."""
    if index <= 10:
        return ORDINALS[index - 1]
    tens, ones = divmod(index, 10)
    return (ORDINALS[tens - 1] if tens > 1 else "") + "十" + (ORDINALS[ones - 1] if ones else "")
