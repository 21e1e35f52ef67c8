"""`/api/`: each app's namespaced router, the root listing, the OpenAPI schema and its docs (no CDN)."""

from importlib import import_module

from django.conf import settings
from django.urls import include, path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from .views import ApiRootView, WhoAmIView

# One line per app with an API; each `<app>/api/urls.py` has `app_name = "<app>-api"` and a `router`.
API_APPS = ["program", "roles", "content", "assessments", "equity"]

app_url_modules = [import_module(f"{app}.api.urls") for app in API_APPS]

urlpatterns = [
    path("", ApiRootView.as_view(routers=[(m.app_name, m.router) for m in app_url_modules]), name="api-root"),
    path("whoami/", WhoAmIView.as_view(), name="api-whoami"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs UIs need inline scripts and styles: a looser CSP for these two pages only (settings.API_DOCS_CSP).
    path(
        "docs/",
        csp_override(settings.API_DOCS_CSP)(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "redoc/",
        csp_override(settings.API_DOCS_CSP)(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    *(path("", include(module)) for module in app_url_modules),
]
