"""API errors: one shape with a stable code, and messages in the request's language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _


def test_not_found_message_follows_accept_language(world, login):
    client = login(world.users["grid_a1"])
    english = client.get("/api/regions/330502001201", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"code": "not_found", "message": "Not found"}
    default = client.get("/api/regions/330502001201")
    with translation.override("zh-hans"):
        assert default.json() == {"code": "not_found", "message": str(_("Not found"))}


def test_domain_error_is_400_with_code_message_and_field(world, login):
    response = login(world.users["community_a"]).post(
        f"/api/residents/{world.resident_a1.pk}/reveal", {"field": "mobile"},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "reveal_reason_required", "message": "Choose a reason for revealing the value", "field": "reason",
    }


def test_malformed_json_is_a_bad_request(world, login):
    response = login(world.users["community_a"]).post(
        "/api/residents", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": "The request is malformed"}


def test_invalid_fields_are_listed_with_their_paths(world, login):
    response = login(world.users["community_a"]).post(
        "/api/residents",
        {"name": "赵大妈", "region": "330502001001", "birth_date": "not a date", "tags": [{"grade": 2}]},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_input",
        "message": "Some fields are missing or invalid",
        "errors": [
            {"field": "birth_date", "message": "Enter a date as YYYY-MM-DD"},
            {"field": "tags.0.code", "message": "This field is required"},
        ],
    }


def test_unauthenticated_message_is_translated(db, client):
    response = client.get("/api/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Authentication required: send 'Authorization: Bearer <token>' or log in",
    }


def test_tag_labels_follow_the_language(world, login):
    client = login(world.users["community_a"])
    english = client.get(f"/api/residents/{world.resident_a2.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["tags"] == [{"code": "disability-physical", "name": "Physical disability", "grade": 2}]
