"""The daily expiry run: reminders 30 days before, once, to learner, coach and manager; expiry closes gates."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from assessments.choices import ReadinessStatus
from assessments.models import ExpiryReminder, GateGrant, PersonReadiness
from assessments.services.expiry import signoffs_expire_and_remind
from assessments.tasks import readiness_expire_daily
from tests.assessments.readiness_factories import person_with_login, program_setup, recompute

pytestmark = pytest.mark.django_db


def test_the_daily_task_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["readiness-expire-daily"]
    assert entry["task"] == readiness_expire_daily.name


def test_reminder_goes_once_to_learner_coach_and_manager_thirty_days_before():
    program = program_setup(criteria=1)
    coach, manager = person_with_login("coach-m"), person_with_login("manager-m")
    learner = program.learner(coach=coach, manager=manager, email="learner-m@example.com")
    far = program.learner(coach=coach)
    signoff = program.signoff(learner, days_ago=program.standard.signoff_validity_days - 29)
    program.signoff(far, days_ago=program.standard.signoff_validity_days - 40)
    recompute(learner, far)

    assert readiness_expire_daily.delay().get() == {"recomputed": 1, "reminded": 1, "exceptions_lapsed": 0}

    [message] = mail.outbox
    assert sorted(message.to) == sorted(["learner-m@example.com", coach.email, manager.email])
    assert f"{signoff.expires_at:%d %b %Y}" in message.subject
    assert ExpiryReminder.objects.get().signoff == signoff
    assert PersonReadiness.objects.get(person=learner).status == ReadinessStatus.EXPIRING_SOON
    signoffs_expire_and_remind()
    assert len(mail.outbox) == 1, "never twice for the same sign-off"


def test_expiry_moves_the_status_and_closes_the_gates():
    program = program_setup(criteria=1)
    learner = program.learner()
    program.signoff(learner, days_ago=program.standard.signoff_validity_days - 1)
    recompute(learner)
    assert GateGrant.objects.filter(person=learner, removed_at__isnull=True).count() == 2

    signoffs_expire_and_remind(now=timezone.now() + datetime.timedelta(days=2))

    assert PersonReadiness.objects.get(person=learner).status == ReadinessStatus.EXPIRED
    assert GateGrant.objects.filter(person=learner, removed_at__isnull=True).count() == 0
