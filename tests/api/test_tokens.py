"""API tokens: hashed at rest, shown once, scoped, expiring, revocable, stamped when used."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from program.choices import AuditAction
from program.models import AuditEntry
from program.tokens import ApiToken, api_token_create, api_token_revoke
from tests.program.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def bearer(plain: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def test_token_is_stored_hashed_and_acts_as_its_owner(ld_admin_user):
    token, plain = api_token_create(
        owner=ld_admin_user, created_by=ld_admin_user, name="bi", scopes=["people:read"], expires_in_days=30
    )
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
    _token, plain = api_token_create(
        owner=ld_admin_user, created_by=ld_admin_user, name="x", scopes=["people:read"], expires_in_days=1
    )
    assert bearer(mangle(plain)).get("/api/people/").status_code == 401


def test_expired_and_revoked_tokens_are_401(ld_admin_user):
    token, plain = api_token_create(
        owner=ld_admin_user, created_by=ld_admin_user, name="x", scopes=["people:read"], expires_in_days=1
    )
    assert bearer(plain).get("/api/people/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert bearer(plain).get("/api/people/").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    api_token_revoke(token=token, revoked_by=ld_admin_user)
    assert bearer(plain).get("/api/people/").status_code == 401


def test_unknown_scopes_are_refused(ld_admin_user):
    with pytest.raises(Exception, match="Unknown scopes: everything:write"):
        api_token_create(
            owner=ld_admin_user, created_by=ld_admin_user, name="x", scopes=["everything:write"], expires_in_days=1
        )


def test_token_of_a_learner_sees_only_the_learner(ld_admin_user, learner_user):
    from tests.program.factories import PersonFactory

    me = PersonFactory(user=learner_user)
    PersonFactory()
    _token, plain = api_token_create(
        owner=learner_user, created_by=learner_user, name="me", scopes=["people:read"], expires_in_days=1
    )
    assert [row["id"] for row in bearer(plain).get("/api/people/").json()["results"]] == [me.pk]


def test_management_command_prints_the_token_once(ld_admin_user, capsys):
    call_command(
        "api_token",
        "create",
        "--user",
        ld_admin_user.username,
        "--by",
        ld_admin_user.username,
        "--scopes",
        "people:read",
    )
    plain = capsys.readouterr().out.strip().splitlines()[-1]
    assert plain.startswith("rp_")
    assert bearer(plain).get("/api/people/").status_code == 200
    call_command("api_token", "list")
    listing = capsys.readouterr().out
    assert "usable" in listing and plain not in listing
    call_command("api_token", "revoke", plain.split("_")[1])
    assert bearer(plain).get("/api/people/").status_code == 401
    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "create", "--user", "nobody", "--by", "nobody", "--scopes", "people:read")


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


# --- Minting: for yourself, or by an L&D admin for a machine account only (issue 9, impersonation) ---------------


@pytest.fixture
def machine_account(db):
    from django.contrib.auth.models import Group

    from program.constants import INTEGRATION_GROUP

    user = UserFactory(username="bi-export")
    user.groups.add(Group.objects.get(name=INTEGRATION_GROUP))
    return user


def _staff_integration(machine_account):
    user = UserFactory(username="int-staff", is_staff=True)
    user.groups.set(machine_account.groups.all())
    return user


def _superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_ld_admin_mints_for_a_machine_account_and_the_audit_names_the_admin(ld_admin_user, machine_account):
    token, plain = api_token_create(
        owner=machine_account, created_by=ld_admin_user, name="bi", scopes=["people:read"], expires_in_days=1
    )
    assert bearer(plain).get(reverse("api-whoami")).json()["username"] == "bi-export"
    entry = AuditEntry.objects.get(object_type="api-token", object_id=str(token.pk))
    assert (entry.action, entry.actor) == (AuditAction.TOKEN_CREATED, ld_admin_user)
    api_token_revoke(token=token, revoked_by=ld_admin_user)
    assert AuditEntry.objects.filter(object_type="api-token", action=AuditAction.TOKEN_REVOKED, actor=ld_admin_user)


@pytest.mark.parametrize("target", ["coach", "superuser", "machine account with a person", "staff integration"])
def test_nobody_mints_a_token_for_another_persons_login(ld_admin_user, coach_user, machine_account, target):
    owner = {
        "coach": lambda: coach_user,
        "superuser": _superuser,
        "machine account with a person": lambda: PersonFactory(user=machine_account).user,
        "staff integration": lambda: _staff_integration(machine_account),
    }[target]()
    with pytest.raises(ValidationError, match="may not create a token"):
        api_token_create(owner=owner, created_by=ld_admin_user, name="x", scopes=["people:read"], expires_in_days=1)
    assert not ApiToken.objects.filter(owner=owner).exists()


def test_a_superuser_does_not_mint_for_a_coach_either(coach_user):
    with pytest.raises(ValidationError, match="may not create a token"):
        api_token_create(owner=coach_user, created_by=_superuser(), name="x", scopes=["people:read"], expires_in_days=1)


def test_a_coach_does_not_mint_for_a_machine_account(coach_user, machine_account):
    with pytest.raises(ValidationError, match="may not create a token"):
        api_token_create(
            owner=machine_account, created_by=coach_user, name="x", scopes=["people:read"], expires_in_days=1
        )


def test_admin_form_refuses_a_token_for_a_coach(ld_admin_user, coach_user, client):
    ld_admin_user.is_superuser = True
    ld_admin_user.save()
    client.force_login(ld_admin_user)
    response = client.post(
        reverse("admin:program_apitoken_add"),
        {"owner": coach_user.pk, "name": "impersonate", "scopes": ["evidence:write"], "expires_in_days": 30},
    )
    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    assert not ApiToken.objects.filter(owner=coach_user).exists()


def test_admin_tokens_are_never_edited_or_deleted(ld_admin_user, client):
    ld_admin_user.is_superuser = True
    ld_admin_user.save()
    token, _plain = api_token_create(
        owner=ld_admin_user, created_by=ld_admin_user, name="mine", scopes=["people:read"], expires_in_days=1
    )
    client.force_login(ld_admin_user)
    assert client.post(reverse("admin:program_apitoken_delete", args=[token.pk]), {"post": "yes"}).status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_command_refuses_a_token_for_a_coach_and_accepts_a_machine_account(
    ld_admin_user, coach_user, machine_account, capsys
):
    with pytest.raises(CommandError, match="may not create a token"):
        call_command(
            "api_token",
            "create",
            "--user",
            coach_user.username,
            "--by",
            ld_admin_user.username,
            "--scopes",
            "people:read",
        )
    with pytest.raises(CommandError, match="may not create a token"):
        call_command(
            "api_token",
            "create",
            "--user",
            machine_account.username,
            "--by",
            coach_user.username,
            "--scopes",
            "people:read",
        )
    assert not ApiToken.objects.exists()
    call_command(
        "api_token",
        "create",
        "--user",
        machine_account.username,
        "--by",
        ld_admin_user.username,
        "--scopes",
        "people:read",
    )
    assert ApiToken.objects.get().owner == machine_account
