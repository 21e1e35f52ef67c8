"""Top-level routes: the admin, login, the people-facing pages and the API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments.api.gate_check import GateCheckView

from . import views
from .incidents.views import pagerduty_webhook
from .pages import views as pages_views

urlpatterns = [
    path("", pages_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("xapi/", include("assessments.lrs.urls")),
    path("webhooks/pagerduty/<int:subscription_id>/", pagerduty_webhook, name="pagerduty-webhook"),
    # Before any `api/` include: the gate check is owned by assessments, the rest of the API by its routers.
    path("api/gates/check", GateCheckView.as_view(), name="gate-check"),
    path("api/", include("program.api.root_urls")),
    path("", include("program.pages.urls")),
    path("", include("assessments.urls")),
]

# An API path the resolver does not know (an id that is not a number) is a JSON 404 like the API's own.
handler404 = "program.views.not_found"
