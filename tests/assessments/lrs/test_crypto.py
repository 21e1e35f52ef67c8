"""LRS secrets at rest: Fernet with keys from the environment, rotation, and clear errors."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from program.crypto import secret_decrypt, secret_encrypt


def test_development_key_is_derived_and_stable(settings):
    settings.LRS_ENCRYPTION_KEY = ""
    token = secret_encrypt("s3cret")
    assert "s3cret" not in token
    assert secret_decrypt(token) == "s3cret"


def test_keys_rotate_newest_first(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.LRS_ENCRYPTION_KEY = old
    token = secret_encrypt("s3cret")

    settings.LRS_ENCRYPTION_KEY = f"{new},{old}"
    assert secret_decrypt(token) == "s3cret"
    assert Fernet(new.encode()).decrypt(secret_encrypt("again").encode()) == b"again"


def test_wrong_key_is_a_clear_error(settings):
    settings.LRS_ENCRYPTION_KEY = Fernet.generate_key().decode()
    token = secret_encrypt("s3cret")
    settings.LRS_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(ImproperlyConfigured, match="does not hold the key it was encrypted with"):
        secret_decrypt(token)


def test_production_requires_a_key(settings):
    settings.PRODUCTION, settings.LRS_ENCRYPTION_KEY = True, ""
    with pytest.raises(ImproperlyConfigured, match="LRS_ENCRYPTION_KEY must be set"):
        secret_encrypt("s3cret")
