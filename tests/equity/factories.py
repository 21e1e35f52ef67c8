import datetime

import factory
from factory.django import DjangoModelFactory

from equity.models import EquityAudit, EquityFinding
from tests.roles.factories import RoleFactory


class EquityAuditFactory(DjangoModelFactory):
    class Meta:
        model = EquityAudit

    role = factory.SubFactory(RoleFactory)
    dimensions = factory.LazyFunction(lambda: ["region"])
    window_start = datetime.date(2026, 7, 1)
    window_end = datetime.date(2026, 9, 30)
    status = "succeeded"


class EquityFindingFactory(DjangoModelFactory):
    class Meta:
        model = EquityFinding

    audit = factory.SubFactory(EquityAuditFactory)
    dimension = "region"
    group = factory.Sequence(lambda n: f"region=r{n}")
    metric = "first_try_pass"
    value = 0.8
    n = 40
    people = 40
