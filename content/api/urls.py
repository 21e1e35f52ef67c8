from rest_framework.routers import SimpleRouter

from . import views

app_name = "content-api"

router = SimpleRouter()
router.register("content-items", views.ContentItemViewSet)
router.register("content-versions", views.ContentVersionViewSet)
router.register("refresh-tickets", views.RefreshTicketViewSet)
router.register("learning-paths", views.LearningPathViewSet)

urlpatterns = router.urls
