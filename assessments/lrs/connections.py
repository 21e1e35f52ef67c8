"""Writes of LRS connections: the secret is encrypted before it is stored, and never read back for display."""

from django.db import transaction

from program.crypto import secret_encrypt

from ..models import LRSConnection


@transaction.atomic
def connection_create(*, name: str, endpoint: str, key: str, secret: str, **settings) -> LRSConnection:
    """Add an LRS connection (validated; the secret encrypted at rest)."""
    connection = LRSConnection(name=name, endpoint=endpoint, key=key, **settings)
    connection.secret_encrypted = secret_encrypt(secret)
    connection.full_clean()
    connection.save()
    return connection
