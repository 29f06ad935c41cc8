"""``linli apikey create|list|revoke``."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from linli.demands.models import Demand
from linli.open311.models import ApiKey

KEY = re.compile(r"^o311_[A-Za-z0-9_-]{32}$")


def run(*args) -> str:
    """The command's output; its error messages are compared in English."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("apikey", *args, stdout=out)
    return out.getvalue()


def test_create_prints_a_key_once_and_stores_only_its_digest(world, o311):
    out = run("create", "--name", "12345 hotline bridge", "--region", "330502001001")
    lines = out.splitlines()
    assert lines[0].startswith('Created Open311 key ') and lines[0].endswith(
        '"12345 hotline bridge" for 西林寺社区 (330502001001).')
    raw = lines[1]
    assert KEY.match(raw)
    assert lines[2] == "Store this key now: it cannot be shown again."
    key = ApiKey.objects.get()
    assert key.prefix == raw[:8]
    assert key.digest == ApiKey.digest_of(raw)
    assert raw not in {key.name, key.prefix, key.digest}
    assert key.region == world.community_a
    response = o311.post("requests.json", {"api_key": raw, "service_code": "1103", "lat": "30.1", "long": "120.1",
                                           "description": "路灯坏了"})
    assert response.status_code == 200
    assert Demand.objects.get().region == world.community_a


def test_two_keys_are_different(world):
    first = run("create", "--name", "a", "--region", "330502001").splitlines()[1]
    second = run("create", "--name", "b", "--region", "330502001").splitlines()[1]
    assert first != second


def test_a_bad_region_code_fails_with_a_clear_message(world):
    with pytest.raises(CommandError, match="^Unknown region code: 999999$"):
        run("create", "--name", "x", "--region", "999999")
    assert ApiKey.objects.count() == 0


def test_a_bad_region_code_exits_non_zero_on_the_command_line(world, monkeypatch, capsys):
    from django.core.management import ManagementUtility
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's connection open
    with pytest.raises(SystemExit) as exit_info, translation.override("en"):
        ManagementUtility(["linli", "apikey", "create", "--name", "x", "--region", "999999"]).execute()
    assert exit_info.value.code == 1
    assert "CommandError: Unknown region code: 999999" in capsys.readouterr().err
    assert ApiKey.objects.count() == 0


def test_list_shows_prefixes_and_status_never_keys(world):
    raw = run("create", "--name", "bridge", "--region", "330502001").splitlines()[1]
    run("create", "--name", "other", "--region", "330502001201")
    run("revoke", raw[:8])
    lines = run("list").splitlines()
    assert lines[0].split() == ["id", "prefix", "status", "created", "last", "used", "region", "name"]
    assert len(lines) == 3
    assert raw[:8] in lines[1] and " revoked " in lines[1] and lines[1].endswith("330502001  bridge")
    assert " live " in lines[2] and lines[2].endswith("330502001201  other")
    assert raw not in "\n".join(lines)


def test_list_with_no_keys(db):
    assert run("list") == "No Open311 keys.\n"


def test_revoke_by_prefix_stops_the_key(world, o311):
    raw = run("create", "--name", "bridge", "--region", "330502001001").splitlines()[1]
    key = ApiKey.objects.get()
    assert run("revoke", raw[:8]) == f'Revoked Open311 key {key.pk} ({raw[:8]}…, "bridge").\n'
    assert ApiKey.objects.get().revoked_at is not None
    assert run("revoke", str(key.pk)).startswith(f"Open311 key {key.pk} ({raw[:8]}…) was already revoked on ")
    response = o311.get("requests.json", api_key=raw)
    assert response.status_code == 403


def test_revoke_refuses_an_unknown_or_ambiguous_prefix(world):
    with pytest.raises(CommandError, match="^No API key starts with o311_zzz$"):
        run("revoke", "o311_zzz")
    with pytest.raises(CommandError, match="^No API key starts with o311_$"):
        run("revoke", "o311_")
    with pytest.raises(CommandError, match="^No API key has the id 99$"):
        run("revoke", "99")
    raw = run("create", "--name", "a", "--region", "330502001").splitlines()[1]
    twin = ApiKey.objects.create(name="b", region=world.street, prefix=raw[:8], digest="0" * 64)
    first = ApiKey.objects.get(name="a")
    with pytest.raises(CommandError, match=f"^Several keys start with {raw[:8]}; use the id instead: "):
        run("revoke", raw[:8])
    run("revoke", str(twin.pk))
    assert not ApiKey.objects.get(pk=first.pk).is_revoked
    assert ApiKey.objects.get(pk=twin.pk).is_revoked
    ApiKey.objects.filter(pk=twin.pk).update(revoked_at=None)
    with pytest.raises(CommandError, match="^No API key matches this key$"):
        run("revoke", raw[:-1] + ("A" if raw[-1] != "A" else "B"))  # a mistyped key revokes nothing
    run("revoke", raw)  # the whole key is never ambiguous
    assert ApiKey.objects.get(pk=first.pk).is_revoked
    assert not ApiKey.objects.get(pk=twin.pk).is_revoked
