from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class LoginForm(AuthenticationForm):
    """Django's login form with one message for every refused login.

    A wrong password, an unknown username and a locked account all get the same message (which
    mentions the lock), so the page never tells whether an account exists or is locked; the backend
    also does the same password-hashing work on each of these paths (see ``LockoutModelBackend``).
    """

    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def get_invalid_login_error(self):
        minutes = settings.LOGIN_LOCK_MINUTES
        return forms.ValidationError(
            ngettext(
                "Wrong username or password. After %(count)d wrong passwords in a row an account is locked "
                "for %(minutes)d minute.",
                "Wrong username or password. After %(count)d wrong passwords in a row an account is locked "
                "for %(minutes)d minutes.",
                minutes,
            ) % {"count": settings.LOGIN_MAX_FAILURES, "minutes": minutes},
            code="invalid_login",
        )
