"""Pages of readiness: the coach workspace, the learner's own page, and what a new standard version changes."""

from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("coach/", views.coach_queue, name="coach-queue"),
    path("coach/learners/<int:person_id>/", views.coach_learner, name="coach-learner"),
    path("coach/learners/<int:person_id>/sign-off/", views.signoff_create, name="signoff-create"),
    path("coach/sign-offs/<int:signoff_id>/revoke/", views.signoff_revoke, name="signoff-revoke"),
    path("me/", views.learner_home, name="learner-home"),
    path("standards/versions/<int:version_id>/changes/", views.version_changes, name="version-changes"),
    path("standards/versions/<int:version_id>/publish/", views.version_publish, name="version-publish"),
]
