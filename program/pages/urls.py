"""Routes of the top-level pages (the home page is routed at the root by program/urls.py)."""

from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("teams/", views.team_list, name="team-list"),
    path("teams/<slug:slug>/guide/", views.team_guide_page, name="team-guide"),
    path("teams/<slug:slug>/guide.csv", views.team_guide_csv, name="team-guide-csv"),
]

urlpatterns += [
    path("dashboards/heat-map/", views.heatmap, name="heatmap"),
    path("dashboards/trends/", views.trends, name="trends"),
    path("dashboards/content/", views.content, name="content"),
    path("dashboards/equity/", views.equity, name="equity"),
    path("dashboards/scorecard/", views.scorecard, name="scorecard"),
]
