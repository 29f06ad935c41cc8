"""The lockout never tells whether an account exists: an unknown username, a wrong password and a
locked account get the same message, and the unknown and the locked account the same work (one
password hash, no password check)."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import User
from linli.testing import PASSWORD


def _error(client, username, password):
    response = client.post(reverse("accounts:login"), {"username": username, "password": password},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors().as_data()
    return [(e.code, e.messages[0]) for e in errors]


def test_unknown_user_wrong_password_and_locked_account_read_the_same(client, world, settings):
    settings.LANGUAGE_CODE = "en"
    User.objects.filter(username="grid_a2").update(locked_until=timezone.now() + timezone.timedelta(minutes=10))
    unknown = _error(client, "nobody-here", PASSWORD)
    locked = _error(client, "grid_a2", PASSWORD)
    wrong = _error(client, "grid_a1", "wrong-password")
    expected = [("invalid_login", "Wrong username or password. After 5 wrong passwords in a row an account is "
                                  "locked for 15 minutes.")]
    assert unknown == locked == wrong == expected


def test_the_message_is_translated(client, world):
    response = client.post(reverse("accounts:login"), {"username": "nobody-here", "password": "x"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "用户名或密码错误。连续输错 5 次密码后，账号将被锁定 15 分钟。" in response.content.decode()


def test_unknown_and_locked_accounts_take_the_same_path(world):
    from django.contrib.auth import authenticate

    User.objects.filter(username="grid_a2").update(locked_until=timezone.now() + timezone.timedelta(minutes=10))
    calls = {}
    for username in ("nobody-here", "grid_a2"):
        with mock.patch.object(User, "set_password", autospec=True) as hashed, \
                mock.patch.object(User, "check_password", autospec=True) as checked:
            assert authenticate(username=username, password=PASSWORD) is None
        calls[username] = (hashed.call_count, checked.call_count)
    assert calls == {"nobody-here": (1, 0), "grid_a2": (1, 0)}
