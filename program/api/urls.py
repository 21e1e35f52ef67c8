from rest_framework.routers import SimpleRouter

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
router.register("incidents", IncidentViewSet)

urlpatterns = router.urls
