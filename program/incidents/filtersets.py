"""Filters of the incident list (API and pages)."""

from django_filters import rest_framework as filters

from program.api.filters import DateTimeRangeFilter, IdFilter
from program.choices import IncidentSeverity, IncidentSource, RootCauseCategory
from program.models import Incident


class IncidentFilterSet(filters.FilterSet):
    service = IdFilter(field_name="services", distinct=True)
    team = IdFilter(field_name="services__team", distinct=True)
    severity = filters.ChoiceFilter(choices=IncidentSeverity.choices)
    root_cause = filters.ChoiceFilter(choices=RootCauseCategory.choices)
    source = filters.ChoiceFilter(choices=IncidentSource.choices)
    external_id = filters.CharFilter()
    started_at = DateTimeRangeFilter()
    restored = filters.BooleanFilter(field_name="restored_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Incident
        fields = ["service", "team", "severity", "root_cause", "source", "external_id", "started_at", "restored"]
