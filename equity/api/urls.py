from rest_framework.routers import SimpleRouter

from . import views

app_name = "equity-api"

router = SimpleRouter()
router.register("equity-audits", views.EquityAuditViewSet)
router.register("equity-findings", views.EquityFindingViewSet)

urlpatterns = router.urls
