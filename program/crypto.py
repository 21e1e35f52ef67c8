"""Encryption at rest of every integration secret (LRS credentials, Prometheus auth, PagerDuty signing secrets).

LRS_ENCRYPTION_KEY holds one or more comma-separated Fernet keys, newest first: MultiFernet encrypts with the
first and decrypts with any, so keys rotate without downtime. In development, with no key set, a stable key is
derived from DJANGO_SECRET_KEY so the portal runs with no configuration. Kept in `program`, the lowest layer, so
that every app that stores a secret uses this one copy.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    configured = [key.strip() for key in settings.LRS_ENCRYPTION_KEY.split(",") if key.strip()]
    if not configured:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("LRS_ENCRYPTION_KEY must be set when DJANGO_ENV=production")
        # The LRS derives its development key the same way, so one key set in production serves both.
        derived = hashlib.sha256(f"lrs-secret:{settings.SECRET_KEY}".encode()).digest()
        configured = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in configured])


def secret_encrypt(plaintext: str) -> str:
    """Encrypt a secret for storage."""
    return _fernet().encrypt(plaintext.encode()).decode()


def secret_decrypt(token: str) -> str:
    """Decrypt a stored secret; a clear error when the key changed."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "Cannot decrypt the stored secret: LRS_ENCRYPTION_KEY does not hold the key it was encrypted with."
        ) from error
