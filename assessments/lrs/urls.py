from django.urls import path

from . import views

urlpatterns = [
    path("profile.jsonld", views.profile, name="xapi-profile"),
]
