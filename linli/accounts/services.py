"""Writes to accounts: users with their first membership, and API tokens."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import ApiToken, Membership, User
from linli.accounts.roles import POLICIES, Role
from linli.core.errors import DomainError

_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
TOKEN_PREFIX_LENGTH = 8


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    region=None,
    organisation=None,
    display_name: str = "",
) -> User:
    """Create an account with one membership (``role`` at ``region``).

    Staff roles need a region; an organisation admin also needs the organisation. The password must
    pass the configured validators.
    """
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise DomainError(
            "username_invalid", _("A username has up to 150 letters, digits and @.+-_ characters"), field="username",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("username_taken", _("This username is already taken"), field="username")
    if role not in Role.values:
        raise DomainError("role_invalid", _("Unknown role"), field="role")
    if POLICIES[role].staff and region is None:
        raise DomainError("region_required", _("This role needs a region"), field="region")
    if role == Role.ORG_ADMIN and organisation is None:
        raise DomainError("organisation_required", _("An organisation admin needs an organisation"), field="organisation")
    user = User(username=username, display_name=(display_name or "").strip()[:50])
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        raise DomainError("password_invalid", " ".join(str(m) for m in exc.messages), field="password") from None
    user.set_password(password)
    user.is_staff = role == Role.PLATFORM_ADMIN
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise DomainError("username_taken", _("This username is already taken"), field="username") from None
    Membership.objects.create(user=user, role=role, region=region, organisation=organisation)
    return user


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with the raw value, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError("token_name_required", _("Give the token a name"), field="name")
    if len(name) > 100:
        raise DomainError("token_name_too_long", _("A token name has at most 100 characters"), field="name")
    if not user.is_active:
        raise DomainError("user_inactive", _("This account is disabled"), field="user")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:TOKEN_PREFIX_LENGTH], digest=ApiToken.digest_of(raw),
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking it again keeps the first revocation time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=token.revoked_at)
    return token
