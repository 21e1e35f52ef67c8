"""API tokens for integrations: an owner, a name, scopes, an expiry; only a hash of the secret is stored.

A token is minted for yourself, or by an L&D admin for a machine account (`user_is_machine_account`), never for
another person's login: a token acts as its owner, so minting one for a coach would let its holder act, and be
audited, as that coach. Creating and revoking tokens are written to the audit trail.

A token reads `rp_<prefix>_<secret>`. The prefix finds the row (indexed, not secret); the SHA-256 of the
whole token is compared in constant time, so a database leak never yields a usable token. The plain
token exists only in the value `api_token_create` returns, shown once to whoever created it.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from .choices import ApiScope, AuditAction
from .validators import ShapedJSONField, StringList, validate_storable_text

TOKEN_PREFIX = "rp"
PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn each read into a write; once a minute is enough to audit.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _scopes_default() -> list[str]:
    return []


class ApiToken(models.Model):
    """A scoped, expiring credential an integration uses to call the API on behalf of its owner."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=100, validators=[validate_storable_text], help_text="What uses the token, e.g. 'BI nightly export'."
    )
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the full token.")
    scopes = ShapedJSONField(
        default=_scopes_default,
        shape=StringList(max_items=50, max_length=64),
        help_text="e.g. ['people:read', 'evidence:write'].",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="api_token_name_unique_per_owner"),
        ]

    def __str__(self):
        return f"{self.name} ({self.owner}, {TOKEN_PREFIX}_{self.prefix}_…)"

    def clean(self):
        unknown = sorted(set(self.scopes or []) - set(ApiScope.values))
        if unknown:
            raise ValidationError({"scopes": f"Unknown scopes: {', '.join(unknown)}."})

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_may_mint(*, created_by: User, owner: User) -> bool:
    """Tokens are minted for yourself, or by an L&D admin for a machine account only."""
    from .selectors import user_is_machine_account, user_is_program_admin  # selectors import models, as we are

    if not created_by.is_authenticated or not created_by.is_active or not owner.is_active:
        return False
    if created_by.pk == owner.pk:
        return True
    return user_is_program_admin(created_by) and user_is_machine_account(owner)


@transaction.atomic
def api_token_create(
    *, owner: User, created_by: User, name: str, scopes: list[str], expires_in_days: int
) -> tuple[ApiToken, str]:
    """Create a token and return it with its plain value, which is never stored and cannot be shown again.

    `created_by` is who asks (the logged-in admin, or the operator named to `manage.py api_token`): the owner
    themselves, or an L&D admin minting for a machine account."""
    if not api_token_may_mint(created_by=created_by, owner=owner):
        raise ValidationError(
            {
                "owner": f"{created_by} may not create a token for {owner}: a token is created by its owner, or by "
                "an L&D admin for a machine account (Integration group, no person, not staff)."
            }
        )
    if expires_in_days < 1:
        raise ValidationError({"expires_in_days": "A token must live at least one day."})
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    plain = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        owner=owner,
        name=name,
        prefix=prefix,
        secret_hash=_hash(plain),
        scopes=sorted(set(scopes)),
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
    )
    token.full_clean()
    token.save()
    _audit_token(token, action=AuditAction.TOKEN_CREATED, actor=created_by, verb="Created")
    return token, plain


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by: User | None) -> ApiToken:
    """Revoke a token for good; it is kept so the audit of what it did stays readable. `revoked_by` is None only
    for an operator at the command line."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _audit_token(token, action=AuditAction.TOKEN_REVOKED, actor=revoked_by, verb="Revoked")
    return token


def _audit_token(token: ApiToken, *, action: AuditAction, actor: User | None, verb: str) -> None:
    from .services import audit_record  # services import models, and models import this module

    audit_record(
        action=action,
        actor=actor,
        object_type="api-token",
        object_id=token.pk,
        summary=f"{verb} API token {token.name!r} ({TOKEN_PREFIX}_{token.prefix}_…) of {token.owner}",
        evidence={
            "owner": token.owner.get_username(),
            "scopes": token.scopes,
            "expires_at": token.expires_at.isoformat(),
        },
    )


def api_token_authenticate(plain: str) -> ApiToken | None:
    """The usable token matching a plain value (and mark it used), or None."""
    parts = plain.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != PREFIX_LENGTH:
        return None
    token = ApiToken.objects.select_related("owner").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(plain)) or not token.is_usable:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
