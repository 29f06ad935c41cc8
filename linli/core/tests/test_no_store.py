"""Pages, downloads and API answers that show personal data say ``Cache-Control: no-store``; a view
that set its own policy keeps it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from linli.accounts.services import api_token_create
from linli.testing import PASSWORD


def _login(world, username):
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_a_residents_page_is_not_stored(world):
    response = _login(world, "grid_a1").get(reverse("people:detail", args=[world.resident_a1.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_export_download_is_not_stored(world):
    response = _login(world, "community_a").get(reverse("people:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"


def test_an_api_answer_with_a_token_is_not_stored(world):
    _token, raw = api_token_create(user=world.users["grid_a1"], name="test")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/residents")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_api_refusal_is_not_stored_either(world):
    response = Client(HTTP_AUTHORIZATION="Bearer ll_not-a-token").get("/api/residents")
    assert response.status_code == 401
    assert response["Cache-Control"] == "no-store"


def test_the_public_tracking_page_is_not_stored(client, world):
    response = client.get(reverse("demands:track"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_a_view_with_its_own_policy_keeps_it(client, world):
    response = client.get(reverse("accounts:login"))  # never_cache in Django's LoginView
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_an_anonymous_page_without_personal_data_is_left_alone(client, world):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not response.has_header("Cache-Control")
