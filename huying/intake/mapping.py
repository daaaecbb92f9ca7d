"""The column mapping: which column of the export feeds which field of a report.

Stored as JSON on the job, `{column header: field name}` ("" or absent: the column is not
read). The default recognises the headers 12345 systems really export, under their usual
variants; the admin page and `--mapping file.json` edit it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.common.errors import ValidationFailed

# The fields a row may fill, with their labels (for the admin page's selects).
FIELDS: dict[str, Any] = {
    "external_id": gettext_lazy("Work-order number"),
    "called_at": gettext_lazy("Time of the call"),
    "reporter_name": gettext_lazy("Caller"),
    "reporter_phone": gettext_lazy("Contact phone"),
    "description": gettext_lazy("Content of the request"),
    "address": gettext_lazy("Address of the request"),
    "matter": gettext_lazy("Request type (matched to a matter type by name)"),
    "urgent": gettext_lazy("Urgency"),
    "title": gettext_lazy("Work-order title"),
    "town": gettext_lazy("Town/street"),
    "longitude": gettext_lazy("Longitude"),
    "latitude": gettext_lazy("Latitude"),
    "sensitive": gettext_lazy("Confidential / sensitive"),
}
REQUIRED = ("external_id", "description")

# Headers as 12345 exports name them (provincial platforms differ a little).
HEADER_ALIASES: dict[str, str] = {
    "工单编号": "external_id", "工单号": "external_id", "受理编号": "external_id",
    "来电时间": "called_at", "受理时间": "called_at", "登记时间": "called_at",
    "来电人": "reporter_name", "来电人姓名": "reporter_name", "诉求人": "reporter_name",
    "联系电话": "reporter_phone", "来电号码": "reporter_phone", "联系方式": "reporter_phone",
    "诉求内容": "description", "来电内容": "description", "问题描述": "description",
    "诉求地址": "address", "事发地址": "address", "地址": "address",
    "诉求类型": "matter", "问题分类": "matter", "事项类型": "matter",
    "紧急程度": "urgent", "缓急程度": "urgent",
    "工单标题": "title", "标题": "title",
    "所属区域": "town", "所属镇街": "town", "镇街": "town", "所属街道": "town",
    "经度": "longitude", "纬度": "latitude",
    "是否保密": "sensitive", "保密": "sensitive",
}


def normalise_header(header: Any) -> str:
    """A header as shown: trimmed, full-width spaces and a trailing '*' (required-column
    marks some exports add) removed."""
    return str(header or "").replace("\u3000", " ").strip().rstrip("*＊").strip()


def mapping_default(headers: Iterable[str]) -> dict[str, str]:
    """Each header the defaults recognise mapped to its field; the first column claims a
    field that two columns could fill (e.g. 所属区域 before 所属镇街)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        field = HEADER_ALIASES.get(normalise_header(header), "")
        if field and field not in taken:
            taken.add(field)
            mapping[header] = field
        else:
            mapping[header] = ""
    return mapping


def mapping_clean(mapping: Any, headers: Iterable[str]) -> dict[str, str]:
    """A mapping checked against the file's headers: every named column exists, every field
    is known and filled by one column at most, and the required fields are mapped."""
    headers = list(headers)
    if not isinstance(mapping, Mapping):
        raise ValidationFailed(_("The column mapping must be an object of column: field."),
                               field="mapping")
    cleaned = {header: "" for header in headers}
    seen: dict[str, str] = {}
    for column, field in mapping.items():
        if column not in cleaned:
            raise ValidationFailed(_("The mapping names the column “%(column)s”, which the "
                                     "file does not have.") % {"column": str(column)[:50]},
                                   field="mapping")
        field = field or ""
        if field and field not in FIELDS:
            raise ValidationFailed(_("Unknown field %(field)s in the column mapping.")
                                   % {"field": str(field)[:40]}, field="mapping")
        if field and field in seen:
            raise ValidationFailed(
                _("The columns “%(first)s” and “%(second)s” are both mapped to %(field)s.")
                % {"first": seen[field], "second": column, "field": FIELDS[field]},
                field="mapping")
        if field:
            seen[field] = column
        cleaned[column] = field
    missing = [str(FIELDS[f]) for f in REQUIRED if f not in seen]
    if missing:
        raise ValidationFailed(_("Map a column to each of: %(fields)s.")
                               % {"fields": "、".join(missing)}, field="mapping")
    return cleaned
