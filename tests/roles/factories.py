import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from program.models import Role
from roles.choices import GateKind, VersionStatus
from roles.models import (
    Criterion,
    Gate,
    LevelDescriptor,
    ReadinessStandard,
    Skill,
    SkillTag,
    StandardVersion,
)


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = Role

    key = factory.Sequence(lambda n: f"role-{n}")
    name = factory.LazyAttribute(lambda o: o.key.replace("-", " ").title())


class SkillTagFactory(DjangoModelFactory):
    class Meta:
        model = SkillTag

    name = factory.Sequence(lambda n: f"tag-{n}")


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill

    key = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.LazyAttribute(lambda o: o.key.replace("-", " ").title())


class ReadinessStandardFactory(DjangoModelFactory):
    class Meta:
        model = ReadinessStandard

    role = factory.SubFactory(RoleFactory)
    name = factory.LazyAttribute(lambda o: f"{o.role.name} readiness")


class StandardVersionFactory(DjangoModelFactory):
    """A draft version by default; `published=True` gives a frozen one."""

    class Meta:
        model = StandardVersion

    standard = factory.SubFactory(ReadinessStandardFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = VersionStatus.DRAFT

    class Params:
        published = factory.Trait(status=VersionStatus.PUBLISHED, published_at=factory.LazyFunction(timezone.now))


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    version = factory.SubFactory(StandardVersionFactory)
    key = factory.Sequence(lambda n: f"criterion-{n}")
    skill = factory.SubFactory(SkillFactory)
    title = factory.LazyAttribute(lambda o: o.key.replace("-", " ").title())


class LevelDescriptorFactory(DjangoModelFactory):
    class Meta:
        model = LevelDescriptor

    criterion = factory.SubFactory(CriterionFactory)
    level = 3
    descriptor = "Does it alone, following the runbook."
    example_of_good = "Rolled back within five minutes with the feature flag off first."


class GateFactory(DjangoModelFactory):
    class Meta:
        model = Gate

    kind = GateKind.DEPLOY
    required_standard = factory.SubFactory(ReadinessStandardFactory)
