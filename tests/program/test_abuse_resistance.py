"""Logins and answers that resist abuse (issue 9, class 7): login lockout with django-axes (audited), throttled bad
bearer tokens, CSP and Permissions-Policy headers, no caching of API answers, CSV cells that cannot run formulas."""

import datetime
import io
import pathlib

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from program.choices import AuditAction
from program.csv_cells import csv_safe_cell, csv_writer
from program.models import AuditEntry
from tests.program.factories import PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-2026"
LOGIN = "/accounts/login/"


@pytest.fixture
def ana(db) -> User:
    user = User.objects.create_user(username="ana", password=PASSWORD)
    PersonFactory(user=user)
    return user


def fail_logins(client, times: int, username: str = "ana", address: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "guess"}, REMOTE_ADDR=address)
        assert response.status_code in (200, 429)


# --- login lockout ---------------------------------------------------------------------------------------------


def test_right_password_is_refused_after_the_failure_limit_and_the_lockout_is_audited(client, ana, settings):
    fail_logins(client, settings.AXES_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "ana", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action=AuditAction.LOCKED_OUT)
    assert (entry.object_type, entry.object_id, entry.subject_person) == ("login", "ana", ana.person)
    assert entry.actor is None and entry.evidence["ip_address"] == "10.0.0.1"


def test_below_the_limit_the_right_password_works(client, ana, settings):
    fail_logins(client, settings.AXES_FAILURE_LIMIT - 1)
    assert client.post(LOGIN, {"username": "ana", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 302
    assert not AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).exists()


def test_lockout_is_per_username_and_address_and_ends_after_the_cool_off(client, ana, settings):
    fail_logins(client, settings.AXES_FAILURE_LIMIT)
    # Someone guessing ana's password elsewhere does not lock ana out of her own desk.
    assert client.post(LOGIN, {"username": "ana", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2").status_code == 302
    client.logout()
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(1))
    assert client.post(LOGIN, {"username": "ana", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_the_admin_login_is_locked_out_too(client, ana, settings):
    ana.is_staff = True
    ana.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "ana", "password": "guess"}, REMOTE_ADDR="10.0.0.9")
    response = client.post("/admin/login/", {"username": "ana", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429


def test_the_failure_limit_is_configurable(client, ana, settings):
    settings.AXES_FAILURE_LIMIT = 2
    fail_logins(client, 2)
    assert client.post(LOGIN, {"username": "ana", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 429


# --- API: bad bearer tokens are throttled ---------------------------------------------------------------------------


def test_bad_bearer_tokens_are_throttled_per_address(ld_admin_user, monkeypatch):
    from program.tokens import api_token_create

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "auth_failure", "3/min")
    _token, good = api_token_create(
        owner=ld_admin_user, created_by=ld_admin_user, name="x", scopes=["people:read"], expires_in_days=1
    )
    guesser = APIClient(REMOTE_ADDR="10.1.1.1")
    for attempt in range(3):
        guesser.credentials(HTTP_AUTHORIZATION=f"Bearer rp_deadbeef_guess{attempt}")
        assert guesser.get("/api/people/").status_code == 401
    guesser.credentials(HTTP_AUTHORIZATION=f"Bearer {good}")
    refused = guesser.get("/api/people/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Another address is not affected.
    other = APIClient(REMOTE_ADDR="10.1.1.2")
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {good}")
    assert other.get("/api/people/").status_code == 200


def test_api_calls_have_default_rates(settings):
    from rest_framework.settings import api_settings

    assert {"anon", "user", "auth_failure"} <= set(api_settings.DEFAULT_THROTTLE_RATES)
    assert len(api_settings.DEFAULT_THROTTLE_CLASSES) == 2


def test_a_login_past_its_rate_waits(ld_admin_user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "2/min")
    caller = APIClient()
    caller.force_authenticate(ld_admin_user)
    answers = [caller.get("/api/people/") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0


# --- headers ------------------------------------------------------------------------------------------------------


def test_pages_carry_csp_with_a_nonce_and_permissions_policy(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<style nonce="{nonce}">'.encode() in response.content
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_only_the_api_docs_pages_allow_inline_scripts(ld_admin_user, client):
    client.force_login(ld_admin_user)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "'unsafe-inline'" in docs["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in docs["Content-Security-Policy"]
    for page in ("/", "/accounts/login/", "/admin/"):
        assert "'unsafe-inline'" not in client.get(page)["Content-Security-Policy"].split("style-src-attr")[0], page


def test_api_answers_are_private_and_not_stored(ld_admin_user):
    client = APIClient()
    client.force_authenticate(ld_admin_user)
    for url in ("/api/people/", "/api/audit-entries/export/", "/api/"):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
    assert "no-store" in APIClient().get("/api/people/")["Cache-Control"]  # a 401 too


def test_pages_for_signed_in_people_are_not_stored(client, ana):
    client.force_login(ana)
    response = client.get("/")
    assert "no-store" in response.get("Cache-Control", "")


# --- CSV ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")'])
def test_formula_cells_are_neutralised(cell):
    assert csv_safe_cell(cell) == f"'{cell}"


@pytest.mark.parametrize("cell", ["Ana", "", 5, -3, 2.5, None, "a=b", " =not first"])
def test_other_cells_are_kept(cell):
    assert csv_safe_cell(cell) == cell


def test_api_exports_neutralise_a_hostile_value():
    from tests.assessments.factories import SignOffFactory

    signoff = SignOffFactory(revoke_reason="=cmd|' /C calc'!A0")
    admin = User.objects.create_superuser(username="root", password="pw-for-tests-123")
    client = APIClient()
    client.force_authenticate(admin)
    response = client.get("/api/sign-offs/export/")
    body = b"".join(response.streaming_content).decode()
    assert str(signoff.pk) in body
    assert "'=cmd|" in body and ",=cmd" not in body


def test_every_csv_writer_in_the_code_is_the_safe_one():
    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and path.name != "csv_cells.py"
        and any(call in path.read_text() for call in ("csv.writer(", "csv.DictWriter("))
    ]
    assert offenders == []


def test_csv_writer_writes_neutralised_rows():
    buffer = io.StringIO()
    csv_writer(buffer).writerows([["=1+1", 3], ["ok", "-x"]])
    assert buffer.getvalue().splitlines() == ["'=1+1,3", "ok,'-x"]
