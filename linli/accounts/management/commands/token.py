"""``linli token create|revoke|list``: API tokens for integrations.

``create`` prints the raw token once; only its SHA-256 is stored, so it cannot be shown again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from linli.accounts.models import ApiToken, User
from linli.accounts.services import TOKEN_PREFIX_LENGTH, api_token_create, api_token_revoke
from linli.core.errors import DomainError


class Command(BaseCommand):
    help = "Create, revoke or list API tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="create|revoke|list")
        create = actions.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--user", required=True, metavar="USERNAME")
        create.add_argument("--name", required=True, help="What the token is for, e.g. the client's name.")
        revoke = actions.add_parser("revoke", help="Revoke the live token whose prefix is given.")
        revoke.add_argument("prefix", help="The first characters of the token, as `token list` shows them.")
        listing = actions.add_parser("list", help="List tokens (never their values).")
        listing.add_argument("--all", action="store_true", dest="include_revoked", help="Include revoked tokens.")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, user, name, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"no user {user!r}")
        try:
            token, raw = api_token_create(user=account, name=name)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stderr.write(f"token {token.prefix}… for {account.username}; it is shown only once:")
        self.stdout.write(raw)

    def _revoke(self, *, prefix, **options):
        prefix = prefix.rstrip("…")
        if len(prefix) < 4:
            raise CommandError("give at least 4 characters of the token")
        live = ApiToken.objects.usable().select_related("user")
        if len(prefix) > TOKEN_PREFIX_LENGTH:  # the whole token was given
            matches = list(live.filter(digest=ApiToken.digest_of(prefix)))
        else:
            matches = list(live.filter(prefix__startswith=prefix))
        if not matches:
            raise CommandError(f"no live token starts with {prefix!r}")
        if len(matches) > 1:
            raise CommandError(f"{len(matches)} live tokens start with {prefix!r}; give more characters")
        token = api_token_revoke(token=matches[0])
        self.stdout.write(f"revoked {token.prefix}… ({token.name}, {token.user.username})")

    def _list(self, *, include_revoked=False, **options):
        tokens = ApiToken.objects.select_related("user").order_by("created_at", "pk")
        if not include_revoked:
            tokens = tokens.usable()
        for t in tokens:
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "live"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(f"{t.prefix}…\t{t.user.username}\t{t.name}\t{state}\tlast used {used}")
