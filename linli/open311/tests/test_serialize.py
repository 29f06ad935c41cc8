"""The writer of both formats: declaration, escaping, booleans, nulls, numbers and datetimes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from linli.open311.serialize import to_json, to_xml, w3c
from linli.open311.tests.conftest import parse_xml


def test_xml_starts_with_the_utf8_declaration_and_escapes_text():
    out = to_xml("services", [{"service_name": "<b>灯</b> & \"门\"", "metadata": False}])
    assert out.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<services><service>')
    assert parse_xml(out).find("service").findtext("service_name") == "<b>灯</b> & \"门\""
    assert b"<b>" not in out


def test_booleans_nulls_and_numbers():
    value = [{"metadata": True, "account_id": None, "lat": 30.5, "code": 404, "big": Decimal("1.50")}]
    root = parse_xml(to_xml("service_requests", value))
    request = root.find("request")
    assert [(c.tag, c.text) for c in request] == [
        ("metadata", "true"), ("account_id", None), ("lat", "30.5"), ("code", "404"), ("big", "1.50"),
    ]
    assert json.loads(to_json(value)) == [{"metadata": True, "account_id": None, "lat": 30.5, "code": 404, "big": 1.5}]


def test_datetimes_are_w3c_in_shanghai_time():
    moment = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
    assert w3c(moment) == "2026-11-23T11:00:00+08:00"
    assert json.loads(to_json({"at": moment})) == {"at": "2026-11-23T11:00:00+08:00"}
    assert parse_xml(to_xml("x", {"at": moment})).findtext("at") == "2026-11-23T11:00:00+08:00"
    assert w3c(None) is None


def test_characters_xml_cannot_hold_are_dropped_so_the_document_stays_well_formed():
    out = to_xml("errors", [{"code": 400, "description": "a\x00b\x08c\x1fd\te"}])
    assert parse_xml(out).find("error").findtext("description") == "abcd\te"


def test_json_keeps_chinese_as_utf8():
    assert to_json([{"service_name": "老年助餐"}]) == '[{"service_name": "老年助餐"}]'.encode()


def test_nested_lists_take_the_spec_child_names():
    root = parse_xml(to_xml("discovery", {"endpoints": [{"formats": ["text/xml", "application/json"]}]}))
    assert [e.tag for e in root.iter()] == ["discovery", "endpoints", "endpoint", "formats", "format", "format"]
