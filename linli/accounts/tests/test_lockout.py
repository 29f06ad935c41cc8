from django.contrib.auth import authenticate
from django.utils import timezone

from linli.accounts.models import User
from linli.testing import PASSWORD


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(world, settings):
    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(5):
        assert authenticate(username="grid_a1", password="wrong") is None
    user = User.objects.get(username="grid_a1")
    assert user.is_locked
    assert authenticate(username="grid_a1", password=PASSWORD) is None


def test_lock_expires(world, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        authenticate(username="grid_a1", password="wrong")
    User.objects.filter(username="grid_a1").update(locked_until=timezone.now() - timezone.timedelta(seconds=1))
    assert authenticate(username="grid_a1", password=PASSWORD).username == "grid_a1"


def test_success_resets_the_failure_count(world):
    authenticate(username="grid_a1", password="wrong")
    authenticate(username="grid_a1", password="wrong")
    assert authenticate(username="grid_a1", password=PASSWORD) is not None
    assert User.objects.get(username="grid_a1").failed_logins == 0


def test_unknown_user_is_simply_refused(world):
    assert authenticate(username="nobody", password="x") is None
