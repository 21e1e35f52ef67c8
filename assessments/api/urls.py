from rest_framework.routers import SimpleRouter

from . import views

app_name = "assessments-api"

router = SimpleRouter()
router.register("scenarios", views.ScenarioViewSet)
router.register("attempts", views.AttemptViewSet)
router.register("sign-offs", views.SignOffViewSet)
router.register("readiness", views.PersonReadinessViewSet)
router.register("gate-grants", views.GateGrantViewSet)
router.register("gate-exceptions", views.GateExceptionViewSet)
router.register("statements", views.StatementViewSet)
router.register("quarantined-statements", views.QuarantinedStatementViewSet)
router.register("actor-identities", views.ActorIdentityViewSet)
router.register("lrs-connections", views.LRSConnectionViewSet)
router.register("lrs-sync-runs", views.LRSSyncRunViewSet)

urlpatterns = router.urls
