"""Filters of equity audits and their findings."""

from django_filters import rest_framework as filters

from program.api.filters import DateRangeFilter, IdFilter

from .choices import AuditStatus, EquityMetric, FindingFlag
from .models import EquityAudit, EquityFinding


class EquityAuditFilterSet(filters.FilterSet):
    window_start = DateRangeFilter()
    window_end = DateRangeFilter()
    role = IdFilter(field_name="role_id")
    status = filters.ChoiceFilter(choices=AuditStatus.choices)

    class Meta:
        model = EquityAudit
        fields = ["window_start", "window_end", "role", "status"]


class EquityFindingFilterSet(filters.FilterSet):
    audit = IdFilter(field_name="audit_id")
    metric = filters.ChoiceFilter(choices=EquityMetric.choices)
    flag = filters.ChoiceFilter(choices=FindingFlag.choices)
    dimension = filters.CharFilter()

    class Meta:
        model = EquityFinding
        fields = ["audit", "metric", "flag", "dimension"]
