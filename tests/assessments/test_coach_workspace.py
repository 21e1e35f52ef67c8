"""The coach workspace: the queue, review and sign-off, revocation, and who is refused."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import GateGrant, SignOff
from program.constants import COACH_GROUP, LEARNER_GROUP
from program.models import AuditEntry
from tests.assessments.readiness_factories import person_with_login, program_setup, recompute

pytestmark = pytest.mark.django_db
QUEUE = reverse("assessments:coach-queue")


def coach_login(client, username="coach-x"):
    coach = person_with_login(username)
    coach.user.groups.add(Group.objects.get(name=COACH_GROUP))
    client.force_login(coach.user)
    return coach


def queue_of(page: str) -> str:
    """The queue table of the coach's page (not the flash messages, not the list of all learners)."""
    return page.split("Ready for your sign-off")[1].split("All your learners")[0]


def signoff_post(program, learner, attempts, **overrides):
    return {
        "standard_version": program.version.pk,
        "decision": "ready",
        "reflection_notes": "Led the drill calmly; rollback first, then diagnosis.",
        "evidence_reviewed": [attempt.pk for attempt in attempts],
    } | overrides


def test_a_coach_sees_their_ready_learners_reviews_signs_off_and_the_gate_opens(
    client, django_capture_on_commit_callbacks
):
    program = program_setup(criteria=2)
    coach = coach_login(client)
    ready = program.learner(coach=coach, full_name="Ready Rita")
    attempts = program.meet_all(ready)
    working = program.learner(coach=coach, full_name="Working Will")
    someone_elses = program.learner(full_name="Other Olga")
    program.meet_all(someone_elses)
    recompute(ready, working, someone_elses)

    page = client.get(QUEUE).content.decode()
    assert "Ready Rita" in queue_of(page) and "Working Will" not in queue_of(page) and "Other Olga" not in page

    review = client.get(reverse("assessments:coach-learner", args=[ready.pk]))
    assert review.status_code == 200
    assert program.criteria[0].title in review.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:signoff-create", args=[ready.pk]), signoff_post(program, ready, attempts)
        )
    assert response.status_code == 302
    signoff = SignOff.objects.get(person=ready)
    assert (signoff.coach, signoff.standard_version) == (coach, program.version)
    assert set(signoff.evidence_reviewed.all()) == set(attempts)
    assert GateGrant.objects.filter(person=ready, removed_at__isnull=True).count() == 2
    assert "Ready Rita" not in queue_of(client.get(QUEUE).content.decode())


def test_a_coach_revokes_with_a_reason_and_the_gate_closes(client, django_capture_on_commit_callbacks):
    program = program_setup(criteria=1)
    coach = coach_login(client)
    learner = program.learner(coach=coach)
    signoff = program.signoff(learner)
    recompute(learner)
    url = reverse("assessments:signoff-revoke", args=[signoff.pk])
    client.post(url, {"reason": ""})
    assert SignOff.objects.get(pk=signoff.pk).revoked_at is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Bypassed the change freeze"})
    signoff.refresh_from_db()
    assert (signoff.revoke_reason, signoff.revoked_by) == ("Bypassed the change freeze", coach)
    assert GateGrant.objects.filter(person=learner, removed_at__isnull=True).count() == 0
    assert SignOff.objects.filter(pk=signoff.pk).exists(), "revoked, never deleted"
    assert AuditEntry.objects.filter(subject_person=learner, action="revoked").count() == 1


def test_a_coach_cannot_sign_off_themselves(client):
    program = program_setup(criteria=1)
    coach = coach_login(client)
    coach.role = program.standard.role
    coach.save()
    attempts = program.meet_all(coach)
    recompute(coach)
    assert client.get(reverse("assessments:coach-learner", args=[coach.pk])).status_code == 404
    response = client.post(
        reverse("assessments:signoff-create", args=[coach.pk]), signoff_post(program, coach, attempts)
    )
    assert response.status_code == 404
    assert SignOff.objects.count() == 0


def test_a_coach_cannot_sign_off_or_revoke_a_stranger(client):
    program = program_setup(criteria=1)
    coach_login(client)
    stranger = program.learner(coach=person_with_login("other-coach"))
    attempts = program.meet_all(stranger)
    signoff = program.signoff(stranger)
    recompute(stranger)
    assert client.get(reverse("assessments:coach-learner", args=[stranger.pk])).status_code == 404
    post = client.post(
        reverse("assessments:signoff-create", args=[stranger.pk]), signoff_post(program, stranger, attempts)
    )
    assert post.status_code == 404
    revoke = client.post(reverse("assessments:signoff-revoke", args=[signoff.pk]), {"reason": "because"})
    assert revoke.status_code == 404
    assert SignOff.objects.filter(person=stranger, revoked_at__isnull=True).count() == 1


def test_evidence_of_someone_else_is_rejected(client):
    program = program_setup(criteria=1)
    coach = coach_login(client)
    learner = program.learner(coach=coach)
    recompute(learner)
    foreign = program.meet_all(program.learner())
    response = client.post(
        reverse("assessments:signoff-create", args=[learner.pk]), signoff_post(program, learner, foreign)
    )
    assert response.status_code == 400
    assert SignOff.objects.count() == 0


def test_learners_and_anonymous_users_are_refused(client):
    program = program_setup(criteria=1)
    learner = person_with_login("lee", role=program.standard.role)
    learner.user.groups.add(Group.objects.get(name=LEARNER_GROUP))
    target = program.learner(coach=learner)  # even a learner set as someone's coach has no sign-off right
    anonymous = client.get(QUEUE)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client.post(reverse("assessments:signoff-create", args=[target.pk]), {}).status_code == 302
    client.force_login(learner.user)
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("assessments:coach-learner", args=[target.pk])).status_code == 403
    assert client.post(reverse("assessments:signoff-create", args=[target.pk]), {}).status_code == 403


def test_queue_query_count_stays_the_same_when_the_data_grows_tenfold(client, django_assert_num_queries):
    program = program_setup(criteria=3)
    coach = coach_login(client)

    def add_ready_learners(count):
        people = [program.learner(coach=coach) for _ in range(count)]
        for person in people:
            program.meet_all(person)
        recompute(*people)

    add_ready_learners(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(QUEUE).content.decode().count("Review and sign off") == 3
    add_ready_learners(27)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(QUEUE).content.decode().count("Review and sign off") == 30
