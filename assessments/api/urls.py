from rest_framework.routers import SimpleRouter

from . import views

app_name = "assessments-api"

router = SimpleRouter()
router.register("scenarios", views.ScenarioViewSet)
router.register("attempts", views.AttemptViewSet)
router.register("sign-offs", views.SignOffViewSet)

urlpatterns = router.urls
