"""The learner's page: my standard, what I have done, what is left and why, when my sign-offs expire."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.assessments.readiness_factories import person_with_login, program_setup, recompute
from tests.content.factories import LearningPathFactory, PathStepFactory

pytestmark = pytest.mark.django_db
ME = reverse("assessments:learner-home")


def test_learner_sees_what_is_left_and_why_and_their_path(client):
    program = program_setup(criteria=2)
    me = person_with_login("mia", role=program.standard.role)
    path = LearningPathFactory(role=program.standard.role, title="Checkout SRE path")
    PathStepFactory(path=path, content_item__title="Rollback lab")
    program.attempt(me, index=0, score=95)
    program.attempt(me, index=1, score=60)
    recompute(me)
    client.force_login(me.user)
    page = client.get(ME).content.decode()
    assert "In progress" in page
    assert "What is left, and why" in page
    assert "scored 60; this criterion needs 80 or more." in page
    assert "Checkout SRE path" in page and "Rollback lab" in page
    assert program.scenarios[0].title in page


def test_learner_sees_their_signoff_expiry_and_gates(client):
    program = program_setup(criteria=1)
    me = person_with_login("noa", role=program.standard.role)
    signoff = program.signoff(me)
    recompute(me)
    client.force_login(me.user)
    page = client.get(ME).content.decode()
    assert "Signed off" in page
    assert f"expires on <strong>{timezone.localtime(signoff.expires_at):%-d %b %Y}</strong>" in page
    assert "Deploy rights" in page and "On-call entry" in page


def test_learner_sees_only_themselves(client):
    program = program_setup(criteria=1)
    me = person_with_login("oli", role=program.standard.role)
    other = program.learner(full_name="Private Person")
    recompute(me, other)
    client.force_login(me.user)
    assert "Private Person" not in client.get(ME).content.decode()


def test_anonymous_is_sent_to_login_and_an_unlinked_login_is_told_why(client, learner_user):
    assert client.get(ME).status_code == 302
    client.force_login(learner_user)
    assert "not linked to a person" in client.get(ME).content.decode()
