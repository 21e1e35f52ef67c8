import datetime

import factory
from factory.django import DjangoModelFactory

from equity.models import EquityAudit, EquityFinding


class EquityAuditFactory(DjangoModelFactory):
    class Meta:
        model = EquityAudit

    dimensions = factory.LazyFunction(lambda: ["region"])
    window_start = datetime.date(2026, 7, 1)
    window_end = datetime.date(2026, 9, 30)


class EquityFindingFactory(DjangoModelFactory):
    class Meta:
        model = EquityFinding

    audit = factory.SubFactory(EquityAuditFactory)
    group = factory.Sequence(lambda n: f"region=r{n}")
    metric = "pass_rate"
    value = 0.8
    n = 40
