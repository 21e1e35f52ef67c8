"""The readiness recompute isolates people: one person's bad data never blocks anyone else's readiness, in a
single recompute or a batch (publish, the daily expiry); the failure is recorded for L&D admins to see."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import readiness as readiness_rules
from assessments.choices import ReadinessStatus
from assessments.models import Attempt, GateGrant, PersonReadiness, ReadinessFailure
from assessments.services import readiness as readiness_service
from assessments.services.expiry import signoffs_expire_and_remind
from tests.api.conftest import client_for
from tests.assessments.readiness_factories import program_setup, recompute
from tests.program.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_row_stored_off_its_shape_before_validation_still_computes_and_reads(ld_admin_user):
    program = program_setup(criteria=1)
    broken, other = program.learner(), program.learner()
    for person in (broken, other):
        program.meet_all(person)
    # Stored before the shapes were checked (an update bypasses validation, as the old API did).
    Attempt.objects.filter(person=broken).update(errors_made=True, key_steps_completed=1e308)

    recompute(broken, other)

    statuses = dict(PersonReadiness.objects.values_list("person_id", "status"))
    assert statuses == {broken.pk: ReadinessStatus.READY_FOR_SIGNOFF, other.pk: ReadinessStatus.READY_FOR_SIGNOFF}
    assert not ReadinessFailure.objects.exists()
    response = client_for(ld_admin_user).get(reverse("assessments-api:attempt-list"), {"person": broken.pk})
    assert response.status_code == 200
    assert response.json()["results"][0]["errors_made"] == ["true"]  # what is stored, in the declared shape


@pytest.fixture
def failing_for(monkeypatch):
    """Make the rules fail on the attempts of the given people: a stand-in for data no rule foresaw."""
    failing_attempt_ids = set()
    real = readiness_rules.evaluate_criterion

    def evaluate_criterion(*, attempts, **kwargs):
        if any(attempt.id in failing_attempt_ids for attempt in attempts):
            raise TypeError("'bool' object is not iterable")
        return real(attempts=attempts, **kwargs)

    monkeypatch.setattr(readiness_service, "evaluate_criterion", evaluate_criterion)

    def fail(*people):
        failing_attempt_ids.update(Attempt.objects.filter(person__in=people).values_list("id", flat=True))

    fail.clear = failing_attempt_ids.clear
    return fail


def test_one_persons_failure_is_recorded_and_the_rest_of_the_batch_is_computed(failing_for):
    program = program_setup(criteria=1)
    people = [program.learner() for _ in range(5)]
    for person in people:
        program.meet_all(person)
    broken = people[2]
    failing_for(broken)

    written = readiness_service.readiness_recompute_for_people(person_ids=[person.pk for person in people])

    assert written == 4
    assert set(PersonReadiness.objects.values_list("person_id", flat=True)) == {p.pk for p in people} - {broken.pk}
    failure = ReadinessFailure.objects.get()
    assert failure.person == broken and "TypeError" in failure.error and failure.attempts == 1
    recompute(broken)
    assert ReadinessFailure.objects.get().attempts == 2  # still failing: counted, one row per person

    failing_for.clear()
    recompute(broken)
    assert not ReadinessFailure.objects.exists()  # a success clears it
    assert PersonReadiness.objects.filter(person=broken).exists()


def test_the_daily_expiry_batch_is_not_blocked_by_one_person(failing_for):
    program = program_setup(criteria=1)
    coach = PersonFactory()
    broken, other = program.learner(coach=coach), program.learner(coach=coach)
    for person in (broken, other):
        program.meet_all(person)
        program.signoff(person, days_ago=program.standard.signoff_validity_days - 10)
    recompute(broken, other)
    assert GateGrant.objects.filter(person=other, removed_at__isnull=True).exists()
    failing_for(broken)

    signoffs_expire_and_remind(now=timezone.now() + datetime.timedelta(days=11))

    assert PersonReadiness.objects.get(person=other).status == ReadinessStatus.EXPIRED
    assert not GateGrant.objects.filter(person=other, removed_at__isnull=True).exists()
    assert ReadinessFailure.objects.get().person == broken


def test_failures_are_shown_to_ld_admins_in_the_admin(client, ld_admin_user, failing_for):
    program = program_setup(criteria=1)
    broken = program.learner(full_name="Bea Broken")
    program.meet_all(broken)
    failing_for(broken)
    recompute(broken)
    client.force_login(ld_admin_user)
    page = client.get(reverse("admin:assessments_readinessfailure_changelist"))
    assert page.status_code == 200
    assert "Bea Broken" in page.content.decode() and "TypeError" in page.content.decode()
