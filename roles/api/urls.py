from rest_framework.routers import SimpleRouter

from . import views

app_name = "roles-api"

router = SimpleRouter()
router.register("roles", views.RoleViewSet)
router.register("skills", views.SkillViewSet)
router.register("standards", views.ReadinessStandardViewSet)
router.register("standard-versions", views.StandardVersionViewSet)
router.register("gates", views.GateViewSet)

urlpatterns = router.urls
