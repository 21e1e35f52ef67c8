import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from assessments.choices import ScenarioKind, SignOffDecision
from assessments.models import Attempt, Scenario, SignOff
from tests.program.factories import PersonFactory
from tests.roles.factories import StandardVersionFactory


class ScenarioFactory(DjangoModelFactory):
    class Meta:
        model = Scenario

    key = factory.Sequence(lambda n: f"scenario-{n}")
    title = factory.LazyAttribute(lambda o: o.key.replace("-", " ").title())
    kind = ScenarioKind.LAB
    standard_version = factory.SubFactory(StandardVersionFactory, published=True)
    pass_mark = 80
    xapi_activity_iri = factory.LazyAttribute(lambda o: f"https://readiness.example.com/scenarios/{o.key}")


class AttemptFactory(DjangoModelFactory):
    class Meta:
        model = Attempt

    person = factory.SubFactory(PersonFactory)
    scenario = factory.SubFactory(ScenarioFactory)
    rubric_version = factory.SelfAttribute("scenario.standard_version")
    team = factory.SelfAttribute("person.team")
    attempt_number = factory.Sequence(lambda n: n + 1)
    completed_at = factory.LazyFunction(timezone.now)
    score = 85
    passed = True


class SignOffFactory(DjangoModelFactory):
    class Meta:
        model = SignOff

    person = factory.SubFactory(PersonFactory)
    coach = factory.SubFactory(PersonFactory)
    standard_version = factory.SubFactory(StandardVersionFactory, published=True)
    decision = SignOffDecision.READY
    signed_at = factory.LazyFunction(timezone.now)
