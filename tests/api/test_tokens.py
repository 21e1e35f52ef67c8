"""API tokens: hashed at rest, shown once, scoped, expiring, revocable, stamped when used."""

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from program.tokens import ApiToken, api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def bearer(plain: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def test_token_is_stored_hashed_and_acts_as_its_owner(ld_admin_user):
    token, plain = api_token_create(owner=ld_admin_user, name="bi", scopes=["people:read"], expires_in_days=30)
    assert plain not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.secret_hash == hashlib.sha256(plain.encode()).hexdigest()
    response = bearer(plain).get(reverse("api-whoami"))
    assert response.status_code == 200
    assert response.json()["username"] == ld_admin_user.username
    assert response.json()["token"]["scopes"] == ["people:read"]
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("mangle", [lambda p: p[:-1] + ("A" if p[-1] != "A" else "B"), lambda p: "rp_zz", lambda p: ""])
def test_wrong_tokens_are_401(ld_admin_user, mangle):
    _token, plain = api_token_create(owner=ld_admin_user, name="x", scopes=["people:read"], expires_in_days=1)
    assert bearer(mangle(plain)).get("/api/people/").status_code == 401


def test_expired_and_revoked_tokens_are_401(ld_admin_user):
    token, plain = api_token_create(owner=ld_admin_user, name="x", scopes=["people:read"], expires_in_days=1)
    assert bearer(plain).get("/api/people/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert bearer(plain).get("/api/people/").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    api_token_revoke(token=token)
    assert bearer(plain).get("/api/people/").status_code == 401


def test_unknown_scopes_are_refused(ld_admin_user):
    with pytest.raises(Exception, match="Unknown scopes: everything:write"):
        api_token_create(owner=ld_admin_user, name="x", scopes=["everything:write"], expires_in_days=1)


def test_token_of_a_learner_sees_only_the_learner(ld_admin_user, learner_user):
    from tests.program.factories import PersonFactory

    me = PersonFactory(user=learner_user)
    PersonFactory()
    _token, plain = api_token_create(owner=learner_user, name="me", scopes=["people:read"], expires_in_days=1)
    assert [row["id"] for row in bearer(plain).get("/api/people/").json()["results"]] == [me.pk]


def test_management_command_prints_the_token_once(ld_admin_user, capsys):
    call_command("api_token", "create", "--user", ld_admin_user.username, "--scopes", "people:read,gates:read")
    plain = capsys.readouterr().out.strip().splitlines()[-1]
    assert plain.startswith("rp_")
    assert bearer(plain).get("/api/people/").status_code == 200
    call_command("api_token", "list")
    listing = capsys.readouterr().out
    assert "usable" in listing and plain not in listing
    call_command("api_token", "revoke", plain.split("_")[1])
    assert bearer(plain).get("/api/people/").status_code == 401
    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "create", "--user", "nobody", "--scopes", "people:read")


def test_admin_creates_a_token_and_shows_it_once(ld_admin_user, client):
    ld_admin_user.is_superuser = True
    ld_admin_user.save()
    client.force_login(ld_admin_user)
    response = client.post(
        reverse("admin:program_apitoken_add"),
        {"owner": ld_admin_user.pk, "name": "deploy pipeline", "scopes": ["gates:read"], "expires_in_days": 30},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="deploy pipeline")
    message = next(str(m) for m in response.context["messages"] if "cannot be shown again" in str(m))
    plain = message.rsplit(" ", 1)[-1]
    assert token.secret_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert token.scopes == ["gates:read"]
