"""The two formats of GeoReport v2, chosen by the path's suffix (`services.xml`,
`services.json`): JSON as the spec's examples show it, XML with the spec's element names
(`<services><service>…`, `<service_requests><request>…`, `<errors><error>…`)."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse, JsonResponse

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The element of each item of a list, named after the list (the spec's grouping).
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
# Characters XML 1.0 cannot carry at all (escaped or not); a pasted description may hold one.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    else:
        element.text = scalar_text(value)


def xml_text(root: str, value: Any) -> str:
    element = ET.Element(root)
    _fill(element, value)
    return XML_DECLARATION + NOT_XML.sub("", ET.tostring(element, encoding="unicode"))


def render(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """`value` as JSON, or as XML under the element `root`."""
    if fmt == "json":
        response: HttpResponse = JsonResponse(value, status=status, safe=False,
                                              json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(xml_text(root, value).encode(), status=status)
    response["Content-Type"] = CONTENT_TYPES[fmt]
    return response


def render_errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    """The spec's error body: a list of {code, description}; the code is the HTTP status."""
    return render(fmt, "errors", [{"code": status, "description": d} for d in descriptions],
                  status=status)
