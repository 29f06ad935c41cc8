"""No full mobile or ID number reaches a log.

The searches that carry personal data are POSTs (the register, the demand form's resident search
and suggestions, ``POST /api/residents/search``); a number that still arrives in a URL (a hand-typed
link, an old API client) is masked in every log record, such as the request lines of runserver
(``django.server``) and gunicorn's access log. The test runs representative searches with every
logger at DEBUG (and SQL logging on), writes each request's access line the way runserver and
gunicorn do, and scans everything captured."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.urls import reverse

from linli.accounts.services import api_token_create
from linli.testing import PASSWORD

MOBILE = re.compile(r"1[3-9]\d{9}")
ID_NUMBER = re.compile(r"\d{17}[\dXx]")


@pytest.fixture
def every_logger_at_debug(caplog, settings):
    settings.DEBUG = True  # SQL statements are logged too (django.db.backends)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)] + [logging.root]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.disabled = False
    with caplog.at_level(logging.DEBUG):
        yield caplog
    for lg, level, disabled in saved:
        lg.setLevel(level)
        lg.disabled = disabled


def _access_lines(method: str, url: str, status: int, size: int) -> None:
    """The request line as runserver logs it, and as gunicorn's access log does."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request, handler.requestline = None, f"{method} {url} HTTP/1.1"
    handler.log_request(status, size)
    logging.getLogger("gunicorn.access").info('%(h)s "%(r)s" %(s)s %(b)s',
                                              {"h": "127.0.0.1", "r": handler.requestline, "s": status, "b": size})


def test_representative_searches_leave_no_identifier_in_any_log(world, every_logger_at_debug):
    caplog = every_logger_at_debug
    mobile, id_number = world.resident_a2.mobile, world.resident_a1.id_number
    assert MOBILE.fullmatch(mobile) and ID_NUMBER.fullmatch(id_number)
    pages = Client()
    assert pages.login(username="community_a", password=PASSWORD)
    _token, raw = api_token_create(user=world.users["community_a"], name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    done = []

    def call(client, method, url, expect, **kwargs):
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == expect, (url, response.status_code)
        done.append((method.upper(), url, response.status_code, len(response.content) if not response.streaming else 0))
        return response

    # the searches as the pages and the API make them now: POSTs
    for q, name in ((mobile, "李建国"), (id_number, "张秀英")):
        found = call(pages, "post", reverse("people:list"), 200, data={"q": q})
        assert [r.name for r in found.context["page"].object_list] == [name]
        found = call(pages, "post", reverse("demands:resident_search"), 200, data={"q": q})
        assert [r.name for r in found.context["residents"]] == [name]
        found = call(api, "post", "/api/residents/search", 200, data=json.dumps({"q": q}),
                     content_type="application/json")
        assert [r["name"] for r in found.json()["items"]] == [name]
    call(pages, "post", reverse("demands:suggest"), 200, data={"description": f"李建国家楼道灯坏了，电话{mobile}"})
    # numbers that still arrive in a URL: refused by the API, accepted by the old export link
    refused = call(api, "get", f"/api/residents?q={mobile}", 400)
    assert refused.json()["code"] == "identifier_in_url"
    call(api, "get", f"/api/residents?q={id_number}", 400)
    call(pages, "get", f"{reverse('people:export')}?q={mobile}", 200)
    call(pages, "get", f"{reverse('demands:resident_search')}?q={mobile}", 405)
    for line in done:
        _access_lines(*line)

    text = caplog.text
    assert [line for line in text.splitlines() if MOBILE.search(line) or ID_NUMBER.search(line)] == []
    assert f"/api/residents?q={mobile[:3]}****{mobile[-4:]} HTTP/1.1" in text  # the capture holds the lines
    assert len([r for r in caplog.records if r.name == "django.db.backends"]) > 10  # and the SQL
