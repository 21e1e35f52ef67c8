import datetime

import pytest
from django.core.exceptions import ValidationError

from assessments.scoring import score_from_result
from assessments.services.attempts import attempt_record
from assessments.services.signoffs import signoff_record_history
from tests.assessments.factories import ScenarioFactory
from tests.program.factories import PersonFactory
from tests.roles.factories import StandardVersionFactory

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


def test_attempts_are_numbered_and_passed_by_pass_mark():
    person, scenario = PersonFactory(), ScenarioFactory(pass_mark=80)
    first = attempt_record(person=person, scenario=scenario, score=79.99, completed_at=WHEN)
    second = attempt_record(person=person, scenario=scenario, score=80, completed_at=WHEN)
    assert (first.attempt_number, first.passed) == (1, False)
    assert (second.attempt_number, second.passed) == (2, True)
    assert second.rubric_version == scenario.standard_version


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"rule": "percent", "raw": 45, "maximum": 50}, 90),
        ({"rule": "key_steps", "steps_completed": 3, "steps_total": 4}, 75),
        ({"rule": "rubric", "level": 2}, 50),
    ],
)
def test_scoring_rules(kwargs, expected):
    assert score_from_result(**kwargs) == expected


def test_scoring_rejects_missing_input():
    with pytest.raises(ValueError, match="positive maximum"):
        score_from_result(rule="percent", raw=3, maximum=0)


def test_signoff_denials():
    coach = PersonFactory()
    learner = PersonFactory(coach=coach)
    stranger = PersonFactory()
    version = StandardVersionFactory(published=True)
    with pytest.raises(ValidationError, match="themselves"):
        signoff_record_history(coach=coach, person=coach, standard_version=version, decision="ready", signed_at=WHEN)
    with pytest.raises(ValidationError, match="not the coach"):
        signoff_record_history(coach=coach, person=stranger, standard_version=version, decision="ready", signed_at=WHEN)
    with pytest.raises(ValidationError, match="draft"):
        signoff_record_history(
            coach=coach, person=learner, standard_version=StandardVersionFactory(), decision="ready", signed_at=WHEN
        )
    signoff = signoff_record_history(
        coach=coach, person=learner, standard_version=version, decision="ready", signed_at=WHEN
    )
    assert signoff.expires_at == WHEN + datetime.timedelta(days=365)
