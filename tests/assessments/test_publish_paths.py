"""One publish path and one gate-save path: the API, the admin and the page all publish through
`roles.services.standard_version_publish`, which queues the readiness and gate recompute (by task name: roles sits
below assessments), so grants never go stale whichever door was used."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import GateGrant, PersonReadiness
from roles.choices import GateKind, Grandfathering
from roles.models import Gate
from roles.services import standard_version_new_draft
from tests.admin_support import admin_url, run_action
from tests.assessments.readiness_factories import program_setup, recompute

pytestmark = pytest.mark.django_db


def publish_through_the_api(user, version):
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(reverse("roles-api:standardversion-publish", args=[version.pk]))
    assert response.status_code == 200, response.content


def publish_through_the_admin(user, version, client):
    client.force_login(user)
    response = run_action(client, type(version), "publish_action", [version])
    assert f"Published {version}." in response.content.decode()


def publish_through_the_page(user, version, client):
    client.force_login(user)
    response = client.post(reverse("assessments:version-publish", args=[version.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("door", ["api", "admin", "page"])
def test_publishing_recomputes_readiness_and_grants_whichever_door_is_used(
    door, ld_admin_user, client, django_capture_on_commit_callbacks
):
    program = program_setup(criteria=1, grandfathering=Grandfathering.REASSESS_ALL)
    person = program.learner()
    program.meet_all(person)
    program.signoff(person)
    recompute(person)
    assert set(GateGrant.objects.filter(person=person, removed_at__isnull=True).values_list("gate__kind", flat=True))
    draft = standard_version_new_draft(standard=program.standard)

    with django_capture_on_commit_callbacks(execute=True):
        if door == "api":
            publish_through_the_api(ld_admin_user, draft)
        elif door == "admin":
            publish_through_the_admin(ld_admin_user, draft, client)
        else:
            publish_through_the_page(ld_admin_user, draft, client)

    row = PersonReadiness.objects.get(person=person, standard=program.standard)
    assert row.standard_version == draft  # the readiness follows the new version at once
    assert not GateGrant.objects.filter(person=person, removed_at__isnull=True).exists()  # re-assess all: gates close


def test_saving_a_gate_in_the_admin_grants_it_to_people_already_signed_off(
    admin_client, django_capture_on_commit_callbacks
):
    program = program_setup(criteria=1, gates=False)
    person = program.learner()
    program.meet_all(person)
    program.signoff(person)
    recompute(person)
    assert not GateGrant.objects.filter(person=person).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            admin_url(Gate, "add"),
            {"kind": GateKind.CHANGE_APPROVAL, "required_standard": program.standard.pk, "active": "on"},
        )

    assert response.status_code == 302, response.content
    assert GateGrant.objects.get(person=person, removed_at__isnull=True).gate.kind == GateKind.CHANGE_APPROVAL
