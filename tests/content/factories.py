import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from content.choices import ContentKind
from content.models import ContentItem, ContentVersion, LearningPath, PathStep, RefreshTicket
from tests.roles.factories import RoleFactory


class ContentItemFactory(DjangoModelFactory):
    class Meta:
        model = ContentItem

    key = factory.Sequence(lambda n: f"content-{n}")
    kind = ContentKind.LAB
    title = factory.LazyAttribute(lambda o: o.key.replace("-", " ").title())
    xapi_activity_iri = factory.LazyAttribute(lambda o: f"https://readiness.example.com/activities/{o.key}")


class ContentVersionFactory(DjangoModelFactory):
    class Meta:
        model = ContentVersion

    item = factory.SubFactory(ContentItemFactory)
    number = factory.Sequence(lambda n: n + 1)
    change_note = "First release"
    published_at = factory.LazyFunction(timezone.now)


class RefreshTicketFactory(DjangoModelFactory):
    class Meta:
        model = RefreshTicket

    item = factory.SubFactory(ContentItemFactory)
    reason = "Runbook screenshots are out of date."


class LearningPathFactory(DjangoModelFactory):
    class Meta:
        model = LearningPath

    role = factory.SubFactory(RoleFactory)
    title = factory.LazyAttribute(lambda o: f"{o.role.name} path")


class PathStepFactory(DjangoModelFactory):
    class Meta:
        model = PathStep

    path = factory.SubFactory(LearningPathFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = ContentKind.LAB
    content_item = factory.SubFactory(ContentItemFactory)
