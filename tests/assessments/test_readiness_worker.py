"""The recompute task on the real Celery worker: recording an attempt recomputes only that person."""

import time

import pytest
from django.utils import timezone

from assessments.choices import ReadinessStatus
from assessments.models import PersonReadiness
from assessments.services.attempts import attempt_record
from tests.assessments.readiness_factories import program_setup

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_an_attempt_queues_a_recompute_that_the_worker_runs(celery_worker_process):
    program = program_setup(criteria=1)
    learner, bystander = program.learner(), program.learner()

    attempt_record(person=learner, scenario=program.scenarios[0], score=92, completed_at=timezone.now())

    assert wait_for(lambda: PersonReadiness.objects.filter(person=learner).exists())
    assert PersonReadiness.objects.get(person=learner).status == ReadinessStatus.READY_FOR_SIGNOFF
    assert not PersonReadiness.objects.filter(person=bystander).exists(), "only the affected person"
