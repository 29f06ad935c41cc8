"""Plain Python values → the two formats of the spec (XML required, JSON by the Spark convention).

The endpoints build lists and dicts in the spec's field order; this module writes them out:

- JSON: the value as is (the spec's lists are top-level arrays), datetimes as w3c strings with the
  Asia/Shanghai offset, decimals as numbers, ``None`` and empty strings as ``null`` (as in the
  spec's examples).
- XML: ``<?xml version="1.0" encoding="utf-8"?>`` then a root element named by the caller; a list
  becomes repeated children named by :data:`LIST_CHILD` (``services`` → ``service``), booleans
  ``true``/``false``, ``None`` an empty element. Built with ElementTree, which escapes text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'

#: The element of each item of a list, by the list's element name (spec field tables).
LIST_CHILD = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

# Characters XML 1.0 cannot hold at all (C0 controls except tab, LF, CR; surrogates; U+FFFE/F).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def w3c(value: dt.datetime | None) -> str | None:
    """``2026-11-23T11:00:00+08:00``: w3c ISO 8601, seconds, the platform's time zone offset."""
    if value is None:
        return None
    return timezone.localtime(value, timezone.get_default_timezone()).isoformat(timespec="seconds")


def _plain(value):
    """The JSON-ready form of a value (recursively)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return w3c(value)
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)  # lazy translations and anything else with a text form
    return text or None  # the spec's examples give an empty value as null


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c(value)
    return _XML_INVALID.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        child_name = LIST_CHILD[element.tag]
        for item in value:
            _fill(ET.SubElement(element, child_name), item)
    else:
        element.text = _text(value)


def to_json(value) -> bytes:
    return json.dumps(_plain(value), ensure_ascii=False).encode("utf-8")


def to_xml(root: str, value) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")


def render(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """The response in ``fmt`` (``json`` or ``xml``); ``root`` names the XML root element."""
    if fmt == "json":
        return HttpResponse(to_json(value), content_type=JSON_TYPE, status=status)
    return HttpResponse(to_xml(root, value), content_type=XML_TYPE, status=status)


def render_error(fmt: str, status: int, description: str) -> HttpResponse:
    """``[{"code": 404, "description": "…"}]`` / ``<errors><error><code>404</code>…``."""
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)
