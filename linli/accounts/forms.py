from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class LoginForm(AuthenticationForm):
    """Django's login form, telling the user when the account is locked.

    ``LockoutModelBackend`` marks the request with ``linli_locked`` when it refuses a locked account
    (or locks it on this attempt); then the message says so instead of "wrong password".
    """

    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "linli_locked", False):
                minutes = settings.LOGIN_LOCK_MINUTES
                raise forms.ValidationError(
                    ngettext(
                        "This account is locked after too many wrong passwords. Try again in %(minutes)d minute.",
                        "This account is locked after too many wrong passwords. Try again in %(minutes)d minutes.",
                        minutes,
                    ) % {"minutes": minutes},
                    code="locked",
                ) from None
            raise
