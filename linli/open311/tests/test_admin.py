"""Open311 keys in the admin: listed in the admin's area, digest read-only, no adding."""

from __future__ import annotations

from linli.open311.models import ApiKey
from linli.open311.services import apikey_create


def test_a_platform_admin_reviews_and_revokes_keys_but_cannot_add_or_edit_the_digest(world, login):
    key, raw = apikey_create(name="bridge", region_code="330502001001")
    client = login(world.users["platform"])
    listing = client.get("/admin/open311/apikey/")
    assert listing.status_code == 200
    assert key.prefix in listing.content.decode()
    assert raw not in listing.content.decode()
    assert client.get("/admin/open311/apikey/add/").status_code == 403
    page = client.get(f"/admin/open311/apikey/{key.pk}/change/")
    assert page.status_code == 200
    assert 'name="digest"' not in page.content.decode()
    assert key.digest in page.content.decode()
    client.post(f"/admin/open311/apikey/{key.pk}/change/", {"name": "renamed", "digest": "0" * 64})
    key.refresh_from_db()
    assert (key.name, key.digest) == ("renamed", ApiKey.digest_of(raw))
    client.post("/admin/open311/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert ApiKey.objects.get().revoked_at is not None


def test_other_roles_do_not_reach_the_keys(world, login):
    apikey_create(name="bridge", region_code="330502001001")
    assert login(world.users["community_a"]).get("/admin/open311/apikey/").status_code == 302
