"""Errors show the app's own pages, in the visitor's language, with a way home; never Django's debug
pages, a URL list or a traceback. Under /api/ they are JSON in the API's error shape."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template.loader import get_template
from django.test import Client
from django.urls import path

import linli.urls


def _boom(request):
    raise RuntimeError("secret detail of the failure")


def _denied(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("tampered")


urlpatterns = [
    path("boom/", _boom), path("api/boom", _boom), path("denied/", _denied), path("suspicious/", _suspicious),
    *linli.urls.urlpatterns,
]
handler400, handler403 = linli.urls.handler400, linli.urls.handler403
handler404, handler500 = linli.urls.handler404, linli.urls.handler500


@pytest.fixture
def anonymous():
    client = Client()
    client.raise_request_exception = False
    return client


def _home_link(html: str) -> bool:
    return '<a class="button button-primary button-wide" href="/">' in html


@pytest.mark.django_db
def test_a_stale_link_gives_the_apps_404_in_chinese_without_the_url_list(anonymous):
    response = anonymous.get("/track/ABCD/old-link/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in html and _home_link(html)
    assert "URLconf" not in html and "open311" not in html and "admin/" not in html
    english = anonymous.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "<h1>Page not found</h1>" in english.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_view_that_raises_gives_the_500_page_without_a_traceback(anonymous):
    response = anonymous.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>出错了</h1>" in html and _home_link(html)
    assert "Traceback" not in html and "secret detail" not in html and "RuntimeError" not in html


def test_the_500_page_renders_without_a_request_or_the_database():
    html = get_template("500.html").render()
    assert "<h1>出错了</h1>" in html and _home_link(html)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_403_and_400_are_the_apps_pages(anonymous):
    denied = anonymous.get("/denied/")
    assert denied.status_code == 403 and "<h1>无权访问</h1>" in denied.content.decode()
    bad = anonymous.get("/suspicious/")
    assert bad.status_code == 400 and "<h1>请求有误</h1>" in bad.content.decode()


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_explains_itself():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/track/", {"tracking_number": "ABCD1234", "mobile": "13912345678"})
    assert response.status_code == 403
    assert "<h1>表单已过期</h1>" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_api_paths_answer_json_errors(anonymous):
    missing = anonymous.get("/api/no-such-endpoint")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert json.loads(missing.content) == {"code": "not_found", "message": "未找到"}
    failed = anonymous.get("/api/boom")
    assert failed.status_code == 500 and failed["Content-Type"] == "application/json"
    assert json.loads(failed.content) == {"code": "server_error", "message": "服务器未能完成这个请求，请稍后再试"}
