"""The gate-check API: its answers, its denials and a query count that does not grow with the data."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.services.exceptions import gate_exception_approve, gate_exception_request
from program.constants import INTEGRATION_GROUP
from roles.choices import GateKind
from tests.assessments.readiness_factories import person_with_login, program_setup, recompute
from tests.program.factories import ServiceFactory, UserFactory
from tests.roles.factories import GateFactory

pytestmark = pytest.mark.django_db
URL = reverse("gate-check")


@pytest.fixture
def integration_client(client):
    user = UserFactory(username="deploy-pipeline")
    user.groups.add(Group.objects.get(name=INTEGRATION_GROUP))
    client.force_login(user)
    return client


def check(client, **params):
    return client.get(URL, params)


def test_signed_off_person_is_allowed_with_version_and_expiry(integration_client):
    program = program_setup(criteria=1)
    learner = person_with_login("ana", role=program.standard.role)
    signoff = program.signoff(learner)
    recompute(learner)
    for identifier in ("ana", "ana@example.com"):
        response = check(integration_client, person=identifier, gate="deploy")
        assert response.status_code == 200
        body = response.json()
        assert body["allowed"] is True
        assert (body["basis"], body["standard_version"]) == ("sign-off", 1)
        assert body["expires_at"].startswith(signoff.expires_at.date().isoformat())


def test_not_signed_off_is_refused_with_the_unmet_criteria(integration_client):
    program = program_setup(criteria=2)
    learner = person_with_login("ben", role=program.standard.role)
    program.attempt(learner, index=0)
    recompute(learner)
    body = check(integration_client, person="ben", gate="on-call").json()
    assert body["allowed"] is False
    assert program.criteria[1].title in body["reason"]
    assert (body["standard_version"], body["expires_at"]) == (1, None)


def test_revoked_and_expired_are_refused_with_why(integration_client):
    program = program_setup(criteria=1)
    revoked = person_with_login("cleo", role=program.standard.role)
    program.signoff(revoked, revoked_at=timezone.now(), revoke_reason="Shared account")
    expired = person_with_login("dan", role=program.standard.role)
    program.signoff(expired, days_ago=program.standard.signoff_validity_days + 2)
    recompute(revoked, expired)
    assert "revoked" in check(integration_client, person="cleo", gate="deploy").json()["reason"]
    body = check(integration_client, person="dan", gate="deploy").json()
    assert body["allowed"] is False and "expired" in body["reason"]


def test_an_open_exception_allows_until_its_end(integration_client):
    program = program_setup(criteria=1)
    learner = person_with_login("eve", role=program.standard.role)
    recompute(learner)
    ends = timezone.now() + datetime.timedelta(days=3)
    requested = gate_exception_request(
        person=learner,
        gate=program.gates[GateKind.ON_CALL],
        reason="Holiday cover",
        requested_by=UserFactory(username="asker"),
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        ends_at=ends,
    )
    assert check(integration_client, person="eve", gate="on-call").json()["allowed"] is False, "not approved yet"
    gate_exception_approve(exception=requested, approved_by=UserFactory(username="admin", is_superuser=True))
    body = check(integration_client, person="eve", gate="on-call").json()
    assert (body["allowed"], body["basis"]) == (True, "exception")
    assert "Holiday cover" in body["reason"]
    assert check(integration_client, person="eve", gate="deploy").json()["allowed"] is False


def test_a_services_own_gate_applies_and_unknown_input_is_explained(integration_client):
    program = program_setup(criteria=1)
    other = program_setup(criteria=1, gates=False)
    payments = ServiceFactory(slug="payments-api")
    GateFactory(kind=GateKind.DEPLOY, service=payments, required_standard=other.standard)
    learner = person_with_login("fay", role=program.standard.role)
    program.signoff(learner)
    recompute(learner)
    assert check(integration_client, person="fay", gate="deploy").json()["allowed"] is True
    on_payments = check(integration_client, person="fay", gate="deploy", service="payments-api").json()
    assert (on_payments["allowed"], on_payments["service"]) == (False, "payments-api")
    assert check(integration_client, person="fay", gate="deploy", service="nope").status_code == 404
    assert check(integration_client, person="nobody", gate="deploy").status_code == 404
    assert check(integration_client, person="fay", gate="launch").status_code == 400
    assert check(integration_client, gate="deploy").status_code == 400


def test_anonymous_is_refused(client):
    program = program_setup(criteria=1)
    person_with_login("gus", role=program.standard.role)
    assert check(client, person="gus", gate="deploy").status_code == 401  # no credentials: 401, as in all the API


def test_a_learner_may_check_themselves_but_not_someone_else(client):
    program = program_setup(criteria=1)
    me = person_with_login("hal", role=program.standard.role)
    person_with_login("ivy", role=program.standard.role)
    client.force_login(me.user)
    assert check(client, person="hal", gate="deploy").status_code == 200
    hidden = check(client, person="ivy", gate="deploy")
    unknown = check(client, person="nobody", gate="deploy")
    # Someone the caller may not see is answered exactly as someone who does not exist: no probing for emails.
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == {"detail": "No person with email or username 'ivy'."}
    assert unknown.json() == {"detail": "No person with email or username 'nobody'."}
    assert hidden.headers.keys() == unknown.headers.keys()


@pytest.mark.parametrize("allowed", [True, False])
def test_query_count_stays_the_same_when_the_data_grows_tenfold(integration_client, django_assert_num_queries, allowed):
    program = program_setup(criteria=3)
    target = person_with_login("jay", role=program.standard.role)
    if allowed:
        program.signoff(target)
    recompute(target)

    def grow_to(total):
        people = [program.learner() for _ in range(total - program.standard.role.people.count() + 1)]
        for person in people:
            program.meet_all(person)
            program.signoff(person)
        recompute(*people)

    grow_to(5)
    with CaptureQueriesContext(connection) as small:
        assert check(integration_client, person="jay", gate="deploy").json()["allowed"] is allowed
    grow_to(50)
    with django_assert_num_queries(len(small.captured_queries)):
        assert check(integration_client, person="jay", gate="deploy").json()["allowed"] is allowed
    assert program.standard.role.people.count() == 51
    # Session, user, the person (by email, then login), groups, gate, grant; refused: exception, readiness row.
    assert len(small.captured_queries) <= (7 if allowed else 9)
