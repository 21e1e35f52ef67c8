"""Encryption at rest of the program's integration secrets (PagerDuty webhook signing secrets) with Fernet.

Same scheme as the LRS secrets (assessments/lrs/crypto.py), keyed by the same LRS_ENCRYPTION_KEY: one or
more comma-separated Fernet keys, newest first, so keys rotate without downtime; in development a stable key
is derived from DJANGO_SECRET_KEY. It lives here because program sits below every app that stores secrets.
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
        derived = hashlib.sha256(f"program-secret:{settings.SECRET_KEY}".encode()).digest()
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
            "Cannot decrypt a stored secret: LRS_ENCRYPTION_KEY does not hold the key it was encrypted with."
        ) from error
