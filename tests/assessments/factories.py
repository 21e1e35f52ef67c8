import datetime
import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from assessments.choices import IdentityKind, ReadinessStatus, ScenarioKind, SignOffDecision, StatementStatus
from assessments.models import (
    ActorIdentity,
    Attempt,
    GateException,
    GateGrant,
    LRSConnection,
    LRSSyncRun,
    PersonReadiness,
    QuarantinedStatement,
    Scenario,
    SignOff,
    Statement,
)
from tests.program.factories import PersonFactory, ServiceFactory, UserFactory
from tests.roles.factories import GateFactory, StandardVersionFactory


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


class PersonReadinessFactory(DjangoModelFactory):
    class Meta:
        model = PersonReadiness

    person = factory.SubFactory(PersonFactory)
    standard_version = factory.SubFactory(StandardVersionFactory, published=True)
    standard = factory.SelfAttribute("standard_version.standard")
    status = ReadinessStatus.IN_PROGRESS
    unmet_criteria = factory.LazyFunction(
        lambda: [{"key": "rollback", "title": "Rollback", "reason": "Your latest score is 60; the bar is 80."}]
    )
    reassess_criteria = factory.LazyFunction(lambda: ["rollback"])
    computed_at = factory.LazyFunction(timezone.now)


class GateGrantFactory(DjangoModelFactory):
    class Meta:
        model = GateGrant

    person = factory.SubFactory(PersonFactory)
    gate = factory.SubFactory(GateFactory, service=factory.SubFactory(ServiceFactory))
    signoff = factory.SubFactory(SignOffFactory, person=factory.SelfAttribute("..person"))
    granted_at = factory.LazyFunction(timezone.now)


class GateExceptionFactory(DjangoModelFactory):
    class Meta:
        model = GateException

    person = factory.SubFactory(PersonFactory)
    gate = factory.SubFactory(GateFactory, service=factory.SubFactory(ServiceFactory))
    reason = "Covering the holiday rota"
    requested_by = factory.SubFactory(UserFactory)
    approved_by = factory.SubFactory(UserFactory)
    approved_at = factory.LazyFunction(timezone.now)
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class LRSConnectionFactory(DjangoModelFactory):
    class Meta:
        model = LRSConnection

    name = factory.Sequence(lambda n: f"lrs-{n}")
    endpoint = "https://lrs.example.com/xAPI/"
    key = "portal"
    secret_encrypted = "not-a-real-token"


class ActorIdentityFactory(DjangoModelFactory):
    class Meta:
        model = ActorIdentity

    kind = IdentityKind.MBOX
    key = factory.Sequence(lambda n: f"mbox:mailto:actor{n}@example.com")
    person = factory.SubFactory(PersonFactory)


class StatementFactory(DjangoModelFactory):
    class Meta:
        model = Statement

    statement_id = factory.LazyFunction(uuid.uuid4)
    raw = "{}"
    status = StatementStatus.RECORDED
    identity = factory.SubFactory(ActorIdentityFactory)
    verb_iri = "http://adlnet.gov/expapi/verbs/completed"
    activity_iri = factory.Sequence(lambda n: f"https://readiness-portal.example/xapi/activities/content/c{n}")
    timestamp = factory.LazyFunction(timezone.now)
    stored = factory.LazyFunction(timezone.now)


class LRSSyncRunFactory(DjangoModelFactory):
    class Meta:
        model = LRSSyncRun

    connection = factory.SubFactory(LRSConnectionFactory)
    started_at = factory.LazyFunction(timezone.now)


class QuarantinedStatementFactory(DjangoModelFactory):
    class Meta:
        model = QuarantinedStatement

    statement_id = factory.LazyFunction(uuid.uuid4)
    raw = "{not json"
    reason = "Not JSON: expecting property name at line 1 column 2."
    run = factory.SubFactory(LRSSyncRunFactory)
    connection = factory.SelfAttribute("run.connection")
