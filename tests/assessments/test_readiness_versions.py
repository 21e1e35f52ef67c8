"""The version-changes page: the criteria diff and who stays valid or re-assesses, before and after publishing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import PersonReadiness
from roles.choices import VersionStatus
from roles.services import standard_version_new_draft
from tests.assessments.readiness_factories import person_with_login, program_setup, recompute

pytestmark = pytest.mark.django_db


def stricter_draft(program):
    draft = standard_version_new_draft(standard=program.standard, change_note="Tighter rollback bar")
    criterion = draft.criteria.get(key=program.criteria[0].key)
    criterion.minimum_score = Decimal("95")
    criterion.save()
    return draft


def test_admin_sees_the_diff_and_consequences_then_publishes_and_readiness_follows(
    client, ld_admin_user, django_capture_on_commit_callbacks
):
    program = program_setup(criteria=2)
    signed = program.learner(full_name="Signed Sam")
    program.meet_all(signed)
    program.signoff(signed)
    recompute(signed)
    draft = stricter_draft(program)
    client.force_login(ld_admin_user)
    url = reverse("assessments:version-changes", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "minimum score: 80.00 → 95.00" in page
    assert "Signed Sam" in page and "must re-assess the changed criteria" in page
    assert program.criteria[0].key in page.split("Signed Sam")[1]
    assert "Publish" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:version-publish", args=[draft.pk]))

    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    row = PersonReadiness.objects.get(person=signed)
    assert (row.standard_version, row.needs_reassessment) == (draft, True)
    assert "Signed Sam" in client.get(url).content.decode(), "the consequence is shown after publishing too"


def test_only_admins_publish_and_people_lists_follow_visibility(client, django_capture_on_commit_callbacks):
    program = program_setup(criteria=1)
    stranger = program.learner(full_name="Hidden Hana")
    program.signoff(stranger)
    draft = stricter_draft(program)
    coach = person_with_login("coach-v")
    client.force_login(coach.user)
    page = client.get(reverse("assessments:version-changes", args=[draft.pk])).content.decode()
    assert "Hidden Hana" not in page and "Publish" not in page.split("Criteria compared")[0]
    assert client.post(reverse("assessments:version-publish", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_anonymous_is_sent_to_login(client):
    program = program_setup(criteria=1, gates=False)
    assert client.get(reverse("assessments:version-changes", args=[program.version.pk])).status_code == 302
