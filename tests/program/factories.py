import datetime

import factory
from django.contrib.auth.models import User
from factory.django import DjangoModelFactory

from program.models import AuditEntry, Incident, Person, Region, Service, Shift, Team, TeamMembership


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw-for-tests-123")


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class ShiftFactory(DjangoModelFactory):
    class Meta:
        model = Shift
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"shift-{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    starts_at_hour_utc = factory.Sequence(lambda n: (n * 8) % 24)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    slug = factory.Sequence(lambda n: f"team-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    team = factory.SubFactory(TeamFactory)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    team = factory.SubFactory(TeamFactory)
    region = factory.SubFactory(RegionFactory, code="emea")
    shift = factory.SubFactory(ShiftFactory, code="day")
    start_date = datetime.date(2026, 1, 5)


class TeamMembershipFactory(DjangoModelFactory):
    class Meta:
        model = TeamMembership

    person = factory.SubFactory(PersonFactory)
    team = factory.SelfAttribute("person.team")
    started_on = datetime.date(2026, 1, 5)


class AuditEntryFactory(DjangoModelFactory):
    class Meta:
        model = AuditEntry

    action = "changed"
    object_type = "test"
    summary = factory.Sequence(lambda n: f"audit entry {n}")


class IncidentFactory(DjangoModelFactory):
    """An incident restored 40 minutes after it started; pass `services=[...]` to attach services."""

    class Meta:
        model = Incident
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Checkout errors #{n}")
    started_at = factory.LazyFunction(lambda: datetime.datetime(2026, 10, 1, 12, 0, tzinfo=datetime.UTC))
    detected_at = factory.LazyAttribute(lambda o: o.started_at + datetime.timedelta(minutes=4))
    restored_at = factory.LazyAttribute(lambda o: o.started_at + datetime.timedelta(minutes=40))

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if create and extracted:
            self.services.set(extracted)
