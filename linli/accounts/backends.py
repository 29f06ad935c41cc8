"""Password login with lockout after repeated failures."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.utils import timezone

from linli.accounts.models import User


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing locked accounts and counting failures.

    After ``LOGIN_MAX_FAILURES`` wrong passwords in a row the account is locked for
    ``LOGIN_LOCK_MINUTES``; during the lock even the right password is refused. A success resets the
    counter. The counter is incremented with an UPDATE, so parallel guesses all count.

    An unknown username and a locked account take the same path (one password hash, then refused)
    and the login form shows the same message for both, so neither the page nor its timing tells
    whether an account exists or is locked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            user = None
        if user is None or user.is_locked:
            User().set_password(password)  # same work as a real check: no user-enumeration by timing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
            User.objects.filter(pk=user.pk).update(
                locked_until=timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES),
                failed_logins=0,
            )
        return None
