"""Filters of equity audits and their findings."""

from django_filters import rest_framework as filters

from program.api.filters import DateRangeFilter, IdFilter

from .choices import EquityMetric, FindingFlag
from .models import EquityAudit, EquityFinding


class EquityAuditFilterSet(filters.FilterSet):
    window_start = DateRangeFilter()
    window_end = DateRangeFilter()

    class Meta:
        model = EquityAudit
        fields = ["window_start", "window_end"]


class EquityFindingFilterSet(filters.FilterSet):
    audit = IdFilter(field_name="audit_id")
    metric = filters.ChoiceFilter(choices=EquityMetric.choices)
    flag = filters.ChoiceFilter(choices=FindingFlag.choices)

    class Meta:
        model = EquityFinding
        fields = ["audit", "metric", "flag"]
