"""``linli createuser`` and ``linli token``, driven through call_command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from linli.accounts.models import ApiToken, User
from linli.accounts.services import api_token_create, user_create
from linli.core.errors import DomainError

GOOD_PASSWORD = "walnut-lantern-42"


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def test_createuser_creates_the_account_and_its_membership(world):
    output = run("createuser", "grid_b1", "--role", "grid_worker", "--region", "330502001201-G01",
                 "--password", GOOD_PASSWORD, "--display-name", "王网格")
    assert output == "created grid_b1 (grid_worker at 330502001201-G01)\n"
    user = User.objects.get(username="grid_b1")
    assert user.check_password(GOOD_PASSWORD)
    assert user.display_name == "王网格"
    assert [(m.role, m.region.code) for m in user.memberships.all()] == [("grid_worker", "330502001201-G01")]


def test_createuser_reads_the_password_from_the_environment(world, monkeypatch):
    monkeypatch.setenv("LINLI_PASSWORD", GOOD_PASSWORD)
    run("createuser", "street2", "--role", "street_officer", "--region", "330502001")
    assert User.objects.get(username="street2").check_password(GOOD_PASSWORD)


def test_createuser_without_a_password_and_no_terminal_fails(world, monkeypatch):
    monkeypatch.delenv("LINLI_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="no password"):
        run("createuser", "street2", "--role", "street_officer", "--region", "330502001")
    assert not User.objects.filter(username="street2").exists()


def test_createuser_refuses_an_unknown_region_a_taken_name_and_a_weak_password(world):
    with pytest.raises(CommandError, match="no region"):
        run("createuser", "x1", "--role", "grid_worker", "--region", "nowhere", "--password", GOOD_PASSWORD)
    with pytest.raises(CommandError, match="username"):
        run("createuser", "GRID_A1", "--role", "grid_worker", "--region", "330502001001-G01", "--password", GOOD_PASSWORD)
    with pytest.raises(CommandError, match="password"):
        run("createuser", "x2", "--role", "grid_worker", "--region", "330502001001-G01", "--password", "12345678")
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_user_create_needs_a_region_for_staff_and_an_organisation_for_org_admins(world):
    with pytest.raises(DomainError) as no_region:
        user_create(username="x", password=GOOD_PASSWORD, role="community_worker")
    assert (no_region.value.code, no_region.value.field) == ("region_required", "region")
    with pytest.raises(DomainError) as no_org:
        user_create(username="x", password=GOOD_PASSWORD, role="org_admin", region=world.community_a)
    assert no_org.value.code == "organisation_required"
    user = user_create(username="x", password=GOOD_PASSWORD, role="resident")
    assert [(m.role, m.region) for m in user.memberships.all()] == [("resident", None)]


def test_token_create_prints_the_raw_token_once_and_stores_its_digest(world):
    raw = run("token", "create", "--user", "grid_a1", "--name", "sweep app").strip()
    assert raw.startswith("ll_")
    token = ApiToken.objects.get()
    assert (token.user.username, token.name, token.prefix) == ("grid_a1", "sweep app", raw[:8])
    assert token.digest == ApiToken.digest_of(raw)


def test_token_create_for_an_unknown_user_fails(world):
    with pytest.raises(CommandError, match="no user"):
        run("token", "create", "--user", "nobody", "--name", "x")


def test_token_revoke_by_prefix_and_list(world, client):
    token, raw = api_token_create(user=world.users["grid_a1"], name="sweep app")
    api_token_create(user=world.users["community_a"], name="hotline")
    listing = run("token", "list")
    assert listing.count("\n") == 2
    assert f"{token.prefix}…\tgrid_a1\tsweep app\tlive\tlast used never" in listing
    assert raw not in listing
    assert run("token", "revoke", token.prefix) == f"revoked {token.prefix}… (sweep app, grid_a1)\n"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert run("token", "list").count("\n") == 1
    assert run("token", "list", "--all").count("\n") == 2


def test_token_revoke_of_an_unknown_prefix_fails(world):
    with pytest.raises(CommandError, match="no live token"):
        run("token", "revoke", "ll_zzzzz")
