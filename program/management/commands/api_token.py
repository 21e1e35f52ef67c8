"""Create, list and revoke API tokens: `manage.py api_token create --user bi-export --by ld-admin --scopes ...`.

The same rule as the admin: `--by` (who asks) is the owner, or an L&D admin creating a token for a machine account;
both are written to the audit trail."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from program.choices import ApiScope
from program.tokens import ApiToken, api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create (printing the token once), list or revoke API tokens."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser("create", help="Create a token; it is printed once and never stored.")
        create.add_argument("--user", required=True, help="Username of the owner; the token acts as this user.")
        create.add_argument(
            "--by",
            required=True,
            help="Username of who asks for the token: the owner, or an L&D admin when the owner is a machine account.",
        )
        create.add_argument("--name", default="", help="What uses the token (default: 'token N').")
        create.add_argument(
            "--scopes",
            required=True,
            help=f"Comma-separated, from: {', '.join(ApiScope.values)}.",
        )
        create.add_argument("--expires-in-days", type=int, default=90)
        listing = commands.add_parser("list", help="List tokens (never their secret).")
        listing.add_argument("--user", help="Only this owner's tokens.")
        revoke = commands.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")
        revoke.add_argument("--by", help="Username of who revokes it (for the audit trail).")

    def handle(self, *args, **options):
        getattr(self, f"handle_{options['command']}")(options)

    def _user(self, username: str):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error

    def handle_create(self, options):
        owner = self._user(options["user"])
        created_by = self._user(options["by"])
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        name = options["name"] or f"token {ApiToken.objects.filter(owner=owner).count() + 1}"
        try:
            token, plain = api_token_create(
                owner=owner,
                created_by=created_by,
                name=name,
                scopes=scopes,
                expires_in_days=options["expires_in_days"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"Created {token} with scopes {', '.join(token.scopes)}, expires {token.expires_at:%Y-%m-%d}."
        )
        self.stdout.write("Copy the token now; it is stored hashed and cannot be shown again:")
        self.stdout.write(plain)

    def handle_list(self, options):
        tokens = ApiToken.objects.select_related("owner")
        if options["user"]:
            tokens = tokens.filter(owner__username=options["user"])
        for token in tokens:
            state = "revoked" if token.revoked_at else ("usable" if token.is_usable else "expired")
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"rp_{token.prefix}_…  {token.owner.username:<20} {token.name:<30} {state:<8} "
                f"expires {token.expires_at:%Y-%m-%d}  last used {used}  {','.join(token.scopes)}"
            )

    def handle_revoke(self, options):
        token = ApiToken.objects.filter(prefix=options["prefix"].removeprefix("rp_").split("_")[0]).first()
        if token is None:
            raise CommandError(f"No token with prefix {options['prefix']!r}.")
        api_token_revoke(token=token, revoked_by=self._user(options["by"]) if options["by"] else None)
        self.stdout.write(f"Revoked {token}.")
