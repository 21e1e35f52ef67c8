"""Builders for readiness tests: a role with a published standard, criteria, scenarios, people and gates."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from assessments.choices import SignOffDecision
from assessments.models import Attempt, Scenario
from assessments.services.readiness import readiness_recompute_for_people
from program.models import Person
from roles.choices import GateKind, Grandfathering
from roles.models import Criterion, Gate, ReadinessStandard, StandardVersion
from tests.assessments.factories import AttemptFactory, ScenarioFactory, SignOffFactory
from tests.program.factories import PersonFactory, UserFactory
from tests.roles.factories import (
    CriterionFactory,
    GateFactory,
    ReadinessStandardFactory,
    SkillFactory,
    StandardVersionFactory,
)


@dataclass
class Program:
    standard: ReadinessStandard
    version: StandardVersion
    criteria: list[Criterion]
    scenarios: list[Scenario]
    gates: dict[str, Gate] = field(default_factory=dict)

    def learner(self, *, coach: Person | None = None, **kwargs) -> Person:
        return PersonFactory(role=self.standard.role, coach=coach, **kwargs)

    def attempt(self, person: Person, *, index: int = 0, days_ago: float = 1, score=90, **kwargs) -> Attempt:
        scenario = kwargs.pop("scenario", self.scenarios[index])
        return AttemptFactory(
            person=person,
            scenario=scenario,
            completed_at=timezone.now() - datetime.timedelta(days=days_ago),
            score=score,
            passed=score >= scenario.pass_mark,
            **kwargs,
        )

    def meet_all(self, person: Person) -> list[Attempt]:
        return [self.attempt(person, index=index) for index in range(len(self.scenarios))]

    def signoff(self, person: Person, *, version: StandardVersion | None = None, days_ago: float = 0, **kwargs):
        signed_at = timezone.now() - datetime.timedelta(days=days_ago)
        return SignOffFactory(
            person=person,
            coach=person.coach or PersonFactory(),
            standard_version=version or self.version,
            decision=SignOffDecision.READY,
            signed_at=signed_at,
            expires_at=signed_at + datetime.timedelta(days=self.standard.signoff_validity_days),
            **kwargs,
        )


def program_setup(
    *, criteria: int = 2, grandfathering: str = Grandfathering.REASSESS_CHANGED, gates: bool = True, **criterion_kwargs
) -> Program:
    """A role's standard with one published version of `criteria` criteria, one scenario per criterion's skill."""
    standard = ReadinessStandardFactory(grandfathering=grandfathering)
    version = StandardVersionFactory(standard=standard, published=True, number=1)
    made, scenarios = [], []
    for position in range(criteria):
        skill = SkillFactory()
        made.append(CriterionFactory(version=version, skill=skill, position=position, **criterion_kwargs))
        scenario = ScenarioFactory(standard_version=version, key=f"{skill.key}-lab", title=f"{skill.name} lab")
        scenario.skills.add(skill)
        scenarios.append(scenario)
    program = Program(standard=standard, version=version, criteria=made, scenarios=scenarios)
    if gates:
        program.gates = {
            kind: GateFactory(kind=kind, required_standard=standard) for kind in (GateKind.DEPLOY, GateKind.ON_CALL)
        }
    return program


def recompute(*people: Person, now: datetime.datetime | None = None) -> None:
    readiness_recompute_for_people(person_ids=[person.pk for person in people], now=now)


def person_with_login(username: str, **kwargs) -> Person:
    return PersonFactory(user=UserFactory(username=username), email=f"{username}@example.com", **kwargs)
