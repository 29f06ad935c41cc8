"""API authentication: bearer tokens, the browser session with CSRF, and the 401 answer."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from linli.accounts.models import ApiToken
from linli.accounts.services import api_token_create, api_token_revoke
from linli.testing import PASSWORD


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_authenticates_the_caller(world, client):
    token, raw = api_token_create(user=world.users["grid_a1"], name="sweep app")
    response = client.get("/api/me", **bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "username": "grid_a1", "display_name": "", "roles": ["grid_worker"],
        "region_codes": ["330502001001-G01"], "clearance": 1, "organisation_ids": [],
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_the_digest_of_a_token_is_stored(world):
    token, raw = api_token_create(user=world.users["grid_a1"], name="sweep app")
    assert raw.startswith("ll_")
    assert token.digest == ApiToken.digest_of(raw)
    assert token.prefix == raw[:8]
    assert not ApiToken.objects.filter(digest=raw).exists()


def test_revoked_token_gets_401(world, client):
    token, raw = api_token_create(user=world.users["grid_a1"], name="sweep app")
    api_token_revoke(token=token)
    response = client.get("/api/me", **bearer(raw))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_of_an_inactive_or_locked_user_gets_401(world, client):
    user = world.users["grid_a1"]
    _token, raw = api_token_create(user=user, name="sweep app")
    user.locked_until = timezone.now() + dt.timedelta(minutes=5)
    user.save()
    assert client.get("/api/me", **bearer(raw)).status_code == 401
    user.locked_until = None
    user.is_active = False
    user.save()
    assert client.get("/api/me", **bearer(raw)).status_code == 401


def test_wrong_token_gets_401(world, client):
    api_token_create(user=world.users["grid_a1"], name="sweep app")
    assert client.get("/api/me", **bearer("ll_not-a-real-token")).status_code == 401
    assert client.get("/api/me", HTTP_AUTHORIZATION="Basic Z3JpZF9hMTp4").status_code == 401


def test_no_credentials_get_401_with_a_stable_code(db, client):
    response = client.get("/api/residents")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message"}
    assert response.json()["code"] == "not_authenticated"


def test_unauthenticated_post_is_401_not_a_csrf_failure(db):
    response = Client(enforce_csrf_checks=True).post("/api/residents", {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_last_used_is_written_at_most_once_a_minute(world, client, django_assert_num_queries):
    token, raw = api_token_create(user=world.users["grid_a1"], name="sweep app")
    recent = timezone.now() - dt.timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    with django_assert_num_queries(3):  # token with its user, memberships, region codes; no UPDATE
        client.get("/api/me", **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == recent
    old = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    client.get("/api/me", **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at > old


def test_session_authenticates_the_caller(world, login):
    response = login(world.users["community_a"]).get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "community_a"
    assert response.json()["region_codes"] == ["330502001001"]


def test_session_post_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="community_a", password=PASSWORD)
    url = f"/api/residents/{world.resident_a1.pk}/reveal"
    body = {"field": "mobile", "reason": "contact"}
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    csrf = "k" * 32  # what a page of the site would have set in the csrftoken cookie
    client.cookies["csrftoken"] = csrf
    accepted = client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 200
    assert accepted.json() == {"field": "mobile", "value": "13800001234"}


def test_token_post_needs_no_csrf_token(world):
    _token, raw = api_token_create(user=world.users["community_a"], name="hotline")
    response = Client(enforce_csrf_checks=True).post(
        f"/api/residents/{world.resident_a1.pk}/reveal", {"field": "mobile", "reason": "contact"},
        content_type="application/json", **bearer(raw),
    )
    assert response.status_code == 200


def test_platform_admin_me_shows_the_district_and_no_clearance(world, login):
    body = login(world.users["platform"]).get("/api/me").json()
    assert body["roles"] == ["platform_admin"]
    assert body["region_codes"] == ["330502"]
    assert body["clearance"] == 0


def test_session_of_a_locked_user_gets_401(world, login):
    user = world.users["community_a"]
    client = login(user)
    user.locked_until = timezone.now() + dt.timedelta(minutes=5)
    user.save()
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
