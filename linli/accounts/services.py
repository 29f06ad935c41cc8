"""Writes to accounts: users with their first membership, role grants with their audit trail, and
API tokens.

Separation of duties: nobody gives a role to themselves, and a role that reads residents
(``models.reads_residents``) given in the admin takes effect only when a second administrator
approves it (:func:`role_grant_decide`); a command run on the server (``linli createuser``,
``linli grant``) gives it at once. Every grant, change and revocation, and every password an
administrator sets, writes an :class:`~linli.accounts.models.AccountEvent`.
"""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import (
    AccountAction,
    AccountEvent,
    ApiToken,
    GrantState,
    Membership,
    RoleGrant,
    User,
    reads_residents,
)
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
    membership = Membership.objects.create(user=user, role=role, region=region, organisation=organisation)
    account_event(actor=None, actor_username=command_actor("createuser"), action=AccountAction.ROLE_GRANTED,
                  membership=membership)
    return user


def command_actor(command: str) -> str:
    """How a command run on the server is named in the audit trail: the command and the system user."""
    import getpass

    try:
        who = getpass.getuser()
    except Exception:  # no name for this uid (a container)
        who = "?"
    return f"linli {command} ({who})"[:150]


def account_event(*, actor, action: str, membership: Membership | None = None, user: User | None = None,
                  actor_username: str = "", detail: str = "") -> AccountEvent:
    """Write one row of the accounts' audit trail (placed at the membership's region, or at the
    account's first region, so the administrators of that area see it)."""
    if membership is not None:
        user = membership.user
        region = membership.region
    else:
        first = user.memberships.filter(region__isnull=False).select_related("region").order_by("pk").first()
        region = first.region if first is not None else None
    return AccountEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_username=(actor_username or (actor.get_username() if actor is not None else ""))[:150],
        action=action, user=user, username=user.get_username() if user is not None else "",
        role=membership.role if membership is not None else "", region=region,
        path=region.path if region is not None else "", detail=(detail or "")[:300],
    )


def grants_resident_access(after: Membership, before: Membership | None) -> bool:
    """Whether saving ``after`` (over ``before``, its stored state, or None when new) gives a role
    that reads residents to someone who did not hold it, there, with the same organisation."""
    if not (after.active and reads_residents(after.role)):
        return False
    if before is None or not before.active:
        return True
    return (before.user_id, before.role, before.region_id, before.organisation_id) != (
        after.user_id, after.role, after.region_id, after.organisation_id)


def _refuse_self(actor, user_id) -> None:
    if actor is not None and actor.pk == user_id:
        raise DomainError("self_grant", _("Nobody may give a role to themselves; ask another administrator"),
                          field="user")


@transaction.atomic
def membership_save(*, actor, membership: Membership) -> RoleGrant | None:
    """Save a membership as an administrator edited it (in the admin).

    Refused for the administrator's own account. A role that reads residents newly given is saved
    inactive with a pending :class:`RoleGrant` (returned), which a second administrator approves;
    anything else is saved at once. Either way the audit trail gets a row."""
    _refuse_self(actor, membership.user_id)
    before = Membership.objects.filter(pk=membership.pk).first() if membership.pk else None
    if before is not None:
        _refuse_self(actor, before.user_id)
    if grants_resident_access(membership, before):
        membership.active = False
        membership.save()
        grant = RoleGrant.objects.create(membership=membership, user=membership.user, role=membership.role,
                                         region=membership.region, requested_by=actor)
        account_event(actor=actor, action=AccountAction.GRANT_REQUESTED, membership=membership,
                      detail=f"grant {grant.pk}")
        return grant
    membership.save()
    account_event(actor=actor, membership=membership,
                  action=AccountAction.ROLE_CHANGED if before is not None else AccountAction.ROLE_GRANTED,
                  detail="" if membership.active else "inactive")
    return None


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    """Delete a membership (in the admin), with its row in the audit trail."""
    account_event(actor=actor, action=AccountAction.ROLE_REVOKED, membership=membership)
    membership.delete()


@transaction.atomic
def role_grant_decide(*, actor, grant: RoleGrant, approve: bool) -> RoleGrant:
    """A second administrator approves (the membership becomes active) or refuses a pending grant.
    Neither the administrator who asked nor the grantee may decide it."""
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.state != GrantState.PENDING:
        raise DomainError("grant_decided", _("This grant has already been decided"))
    _refuse_self(actor, grant.user_id)
    if actor is None or actor.pk == grant.requested_by_id:
        raise DomainError("grant_needs_second_person",
                          _("A role that reads residents is approved by another administrator than the one who asked"))
    membership = grant.membership
    if approve and (membership.user_id, membership.role, membership.region_id) != (
            grant.user_id, grant.role, grant.region_id):
        raise DomainError("grant_stale", _("The membership has changed since this grant was asked for; refuse it"))
    grant.state = GrantState.APPROVED if approve else GrantState.REFUSED
    grant.decided_by, grant.decided_at = actor, timezone.now()
    grant.save(update_fields=["state", "decided_by", "decided_at"])
    if approve:
        Membership.objects.filter(pk=membership.pk).update(active=True)
        membership.active = True
    account_event(actor=actor, membership=membership, detail=f"grant {grant.pk}",
                  action=AccountAction.GRANT_APPROVED if approve else AccountAction.GRANT_REFUSED)
    return grant


@transaction.atomic
def role_grant_by_command(*, user: User, role: str, region=None, organisation=None,
                          command: str = "grant") -> Membership:
    """Give ``user`` a role at once, from a command run on the server (no second person needed:
    whoever runs it already controls the server); written to the audit trail."""
    if role not in Role.values:
        raise DomainError("role_invalid", _("Unknown role"), field="role")
    if POLICIES[role].staff and region is None:
        raise DomainError("region_required", _("This role needs a region"), field="region")
    if role == Role.ORG_ADMIN and organisation is None:
        raise DomainError("organisation_required", _("An organisation admin needs an organisation"),
                          field="organisation")
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, region=region, defaults={"organisation": organisation})
    if not created:
        membership.active, membership.organisation = True, organisation
        membership.save(update_fields=["active", "organisation"])
    # a grant asked for in the admin for this very membership is settled by the command
    RoleGrant.objects.filter(membership=membership, state=GrantState.PENDING, role=role, region=region).update(
        state=GrantState.APPROVED, decided_at=timezone.now())
    account_event(actor=None, actor_username=command_actor(command), membership=membership,
                  action=AccountAction.ROLE_GRANTED if created else AccountAction.ROLE_CHANGED)
    return membership


def password_set_by_admin(*, actor, user: User) -> AccountEvent:
    """The audit row of a password an administrator set for ``user``. The admin writes it in the
    same transaction as the new password (no row, no new password)."""
    roles = sorted(set(user.memberships.filter(active=True).values_list("role", flat=True)))
    return account_event(actor=actor, action=AccountAction.PASSWORD_SET, user=user,
                         detail=("roles: " + ", ".join(roles)) if roles else "")


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
