from rest_framework.routers import SimpleRouter

from program.operations import api as operations

from ..incidents.api import IncidentViewSet
from . import views

app_name = "program-api"

router = SimpleRouter()
router.register("people", views.PersonViewSet)
router.register("teams", views.TeamViewSet)
router.register("services", views.ServiceViewSet)
router.register("regions", views.RegionViewSet)
router.register("shifts", views.ShiftViewSet)
router.register("team-memberships", views.TeamMembershipViewSet)
router.register("audit-entries", views.AuditEntryViewSet)
router.register("metric-samples", operations.MetricSampleViewSet)
router.register("rejected-metric-samples", operations.RejectedMetricSampleViewSet)
router.register("service-level-objectives", operations.ServiceLevelObjectiveViewSet)
router.register("prometheus-sources", operations.PrometheusSourceViewSet)
router.register("events", operations.OperationalEventViewSet)
router.register("incidents", IncidentViewSet)

urlpatterns = router.urls
