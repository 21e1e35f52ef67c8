"""API of equity audits and their findings (org-wide aggregates: L&D admins and managers)."""

from equity.filtersets import EquityAuditFilterSet, EquityFindingFilterSet
from equity.models import EquityAudit, EquityFinding
from program.api.viewsets import ReadOnlyApiViewSet
from program.api.visibility import Visibility

from .serializers import EquityAuditSerializer, EquityFindingSerializer


class EquityAuditViewSet(ReadOnlyApiViewSet):
    """Fairness audits over a window, split by region, shift or language, with their findings."""

    queryset = EquityAudit.objects.prefetch_related("findings")
    visibility = Visibility.org_aggregates()
    serializer_class = EquityAuditSerializer
    filterset_class = EquityAuditFilterSet
    scope_family = "equity"


class EquityFindingViewSet(ReadOnlyApiViewSet):
    """One group's value on one metric within an audit, with its size and any flag."""

    queryset = EquityFinding.objects.all()
    visibility = Visibility.org_aggregates()
    serializer_class = EquityFindingSerializer
    filterset_class = EquityFindingFilterSet
    scope_family = "equity"
