"""One row of an export → the report it files, or the problem that stops it, naming the
field. The same parser serves the dry run and the real run, so they cannot disagree."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop
from openpyxl.utils.datetime import from_excel

from huying.catalog.selectors import matter_types_in_force
from huying.common.messages import Message, message
from huying.intake.reading import Cell
from huying.org.models import Level, OrgUnit

TITLE_LENGTH = 30
URGENT_WORDS = {"紧急", "特急", "加急", "特别紧急", "非常紧急", "急", "急件", "特提", "是"}
NOT_URGENT_WORDS = {"一般", "普通", "正常", "常规", "平件", "平急", "不紧急", "非紧急", "否",
                    "无"}
YES_WORDS = {"是", "保密", "y", "yes", "true", "1", "涉密"}
NO_WORDS = {"否", "不保密", "公开", "n", "no", "false", "0", "无"}
DATE_FORMATS = ["%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
                "%Y.%m.%d %H:%M", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M",
                "%Y年%m月%d日 %H时%M分", "%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S",
                "%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日"]
CLAUSE_END = re.compile(r"[，。！？；,.!?;\n\r]")
# Town names are written with or without their suffix: 石岭镇 / 石岭, 海滨街道 / 海滨.
TOWN_SUFFIXES = ("街道办事处", "街道", "办事处", "镇", "乡")
MATTER_SEPARATORS = re.compile(r"\s*[/\\>＞→—\-－|]\s*")


class RowProblem(Exception):
    """A row that cannot be taken in, and the field that stops it."""

    def __init__(self, field: str, problem: Message) -> None:
        super().__init__(field)
        self.field = field
        self.problem = problem


@dataclass
class ParsedRow:
    external_id: str
    called_at: datetime | None
    report: dict[str, Any]  # the keyword arguments of the report (case_intake's fields)
    town: OrgUnit | None
    matter_code: str | None
    notes: list[Message] = field(default_factory=list)


class Lookups:
    """The county's towns and matter types by name, read once per run."""

    def __init__(self, county: OrgUnit, *, on: date) -> None:
        self.towns: dict[str, OrgUnit] = {}
        for town in OrgUnit.objects.filter(parent=county, level=Level.TOWN, active=True):
            self.towns.setdefault(town.name, town)
            self.towns.setdefault(_town_stem(town.name), town)
        self.matters: dict[str, str] = {}
        for matter in matter_types_in_force(county=county, on=on):
            self.matters.setdefault(_plain(matter.name), matter.code)

    def town(self, name: str) -> OrgUnit | None:
        name = _plain(name)
        return self.towns.get(name) or self.towns.get(_town_stem(name))

    def matter(self, name: str) -> str | None:
        """The 12345 type's own name, or its last segment ("城乡建设/市政设施/路灯不亮")."""
        name = _plain(name)
        if name in self.matters:
            return self.matters[name]
        parts = [p for p in MATTER_SEPARATORS.split(name) if p]
        return self.matters.get(parts[-1]) if parts else None


def external_id_of(cells: dict[str, Cell], mapping: dict[str, str]) -> str:
    """The row's work-order number as written (for reports even when the row is bad)."""
    column = next((c for c, f in mapping.items() if f == "external_id"), None)
    return _text(cells.get(column)) if column else ""


def row_parse(cells: dict[str, Cell], mapping: dict[str, str], lookups: Lookups, *,
              now: datetime) -> ParsedRow:
    """The report a row files, or RowProblem. Checks here are the ones only the import
    knows (its columns' formats); the report's own rules stay in the case services."""
    values = {f: cells.get(column) for column, f in mapping.items() if f}
    external_id = external_id_of(cells, mapping)
    if not external_id:
        raise RowProblem("external_id", message(gettext_noop("The work-order number is empty.")))
    if len(external_id) > 64:
        raise RowProblem("external_id", message(gettext_noop(
            "The work-order number is longer than 64 characters.")))
    description = _text(values.get("description"))
    if not description:
        raise RowProblem("description", message(gettext_noop(
            "The content of the request is empty.")))
    title = _text(values.get("title")) or title_from(description)
    town = None
    town_name = _text(values.get("town"))
    if town_name:
        town = lookups.town(town_name)
        if town is None:
            raise RowProblem("town", message(gettext_noop(
                "No town or street named “%(name)s” in this county."), name=town_name[:40]))
    longitude = _coordinate(values.get("longitude"), "longitude")
    latitude = _coordinate(values.get("latitude"), "latitude")
    if longitude == 0 and latitude == 0:
        # Hotline systems write 0,0 for "not located".
        longitude = latitude = None
    notes: list[Message] = []
    matter_code = None
    matter_name = _text(values.get("matter"))
    if matter_name:
        matter_code = lookups.matter(matter_name)
        if matter_code is None:
            notes.append(message(gettext_noop(
                "The request type “%(name)s” matches no matter type of the county: the case "
                "waits for the command centre to classify it."), name=matter_name[:60]))
    return ParsedRow(
        external_id=external_id,
        called_at=called_at_parse(values.get("called_at"), now=now),
        report={
            "title": title, "description": description,
            "reporter_name": _text(values.get("reporter_name")),
            "reporter_phone": phone_parse(values.get("reporter_phone")),
            "address": _text(values.get("address")),
            "longitude": longitude, "latitude": latitude,
            "urgent": _urgent(values.get("urgent")),
            "sensitive": _yes_no(values.get("sensitive")),
        },
        town=town, matter_code=matter_code, notes=notes)


def title_from(description: str) -> str:
    """The content's first clause, cut short: how the centre's staff title a call."""
    clause = next((c.strip() for c in CLAUSE_END.split(description) if c.strip()), description)
    return clause if len(clause) <= TITLE_LENGTH else clause[:TITLE_LENGTH - 1] + "…"


def phone_parse(value: Cell) -> str:
    """A phone as people type it ("138 1234 5678", "0631-5812345", "（0631）5812345",
    several numbers) → the first number, digits with the area code set off."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = unicodedata.normalize("NFKC", str(value)).strip()
    if not raw:
        return ""
    first = re.split(r"[/,;、，；]|\s{2,}", raw)[0].strip()
    compact = re.sub(r"[\s\-()（）]", "", first)
    plus = compact.startswith("+")
    digits = compact.lstrip("+")
    if not digits.isdigit():
        raise RowProblem("reporter_phone", message(gettext_noop(
            "The phone number “%(phone)s” is not valid."), phone=raw[:30]))
    if plus and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1") and digits[1] in "3456789":
        return digits
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        area = 3 if digits[1] in "12" else 4
        return f"{digits[:area]}-{digits[area:]}"
    if 7 <= len(digits) <= 8 and digits[0] in "2345678":
        return digits
    if digits in ("110", "119", "120", "122", "12345"):
        return digits
    raise RowProblem("reporter_phone", message(gettext_noop(
        "The phone number “%(phone)s” is not valid."), phone=raw[:30]))


def called_at_parse(value: Cell, *, now: datetime) -> datetime | None:
    """来电时间 from an Excel date cell, an Excel serial number, or the text formats exports
    use; a time in the future is a mistake in the file."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        moment = from_excel(value)
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        text = re.sub(r"\s+", " ", text)
        for fmt in DATE_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        raise RowProblem("called_at", message(gettext_noop(
            "The time of the call “%(value)s” is not a date and time."), value=str(value)[:30]))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + timedelta(minutes=5):
        raise RowProblem("called_at", message(gettext_noop(
            "The time of the call %(value)s lies in the future."),
            value=timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")))
    return moment


def _coordinate(value: Cell, field: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = str(value)
    try:
        return float(value if not isinstance(value, str) else value.strip())
    except (TypeError, ValueError):
        raise RowProblem(field, message(gettext_noop("“%(value)s” is not a number."),
                                        value=str(value)[:30])) from None


def _urgent(value: Cell) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = _plain(str(value))
    if text in URGENT_WORDS:
        return True
    if not text or text in NOT_URGENT_WORDS:
        return False
    raise RowProblem("urgent", message(gettext_noop(
        "The urgency “%(value)s” is not one of 紧急, 特急, 加急, 一般."), value=text[:20]))


def _yes_no(value: Cell) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return value != 0
    text = _plain(str(value)).lower()
    if text in YES_WORDS:
        return True
    if not text or text in NO_WORDS:
        return False
    raise RowProblem("sensitive", message(gettext_noop(
        "“%(value)s” is neither 是 nor 否."), value=text[:20]))


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value).replace("\u3000", " ").strip()


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _town_stem(name: str) -> str:
    for suffix in TOWN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[:-len(suffix)]
    return name
