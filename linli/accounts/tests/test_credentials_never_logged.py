"""A malformed or foreign ``Authorization`` header (Basic with a password, a bare token) is refused
without its value reaching any log, even with DEBUG on (ninja's own bearer check logs it then)."""

from __future__ import annotations

import base64
import logging

import pytest
from django.test import Client

SECRET = base64.b64encode(b"grid_a1:linli-test-pass-1").decode()


@pytest.mark.parametrize("header", [f"Basic {SECRET}", SECRET, f"Token {SECRET}", f"bearer{SECRET}"])
def test_a_foreign_authorization_header_is_refused_and_never_logged(world, settings, caplog, header):
    settings.DEBUG = True
    with caplog.at_level(logging.DEBUG):
        response = Client(HTTP_AUTHORIZATION=header).get("/api/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert caplog.records  # the 401 itself is logged (django.request), so the capture works
    assert SECRET not in caplog.text
    assert "linli-test-pass-1" not in caplog.text
