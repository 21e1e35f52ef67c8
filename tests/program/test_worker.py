import pytest

from program.tasks import worker_heartbeat
from tests.program.factories import PersonFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_task_goes_through_redis_to_a_real_worker_and_back(celery_worker_process):
    PersonFactory.create_batch(3)
    PersonFactory(active=False)

    result = worker_heartbeat.delay()

    assert result.get(timeout=30) == {"database": "postgresql", "active_people": 3}
    assert result.backend.__class__.__name__ == "RedisBackend"
