"""The top-level pages: wiring only (who may open them is in `access`, what they show in `selectors`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from program.models import Team

from .access import viewer_for
from .csv_export import csv_response
from .filters import filters_for
from .navigation import dashboard_links_for, links_for
from .selectors.content import content_view
from .selectors.equity import equity_view
from .selectors.guide import guide_csv_rows, team_guide
from .selectors.heatmap import MIN_CELL, readiness_heatmap
from .selectors.home import home_for
from .selectors.scorecard import TREND_WEEKS, weekly_scorecard
from .selectors.trends import readiness_trends


@login_required
def home(request):
    viewer = viewer_for(request)
    return render(
        request,
        "pages/home.html",
        {"page": home_for(viewer), "links": [link for link in links_for(viewer) if link.url_name != "home"]},
    )


def _teams_for_guides(request):
    viewer = viewer_for(request)
    if not viewer.opens_team_guides:
        raise PermissionDenied("Team guides are for managers, executives and L&D admins.")
    teams = Team.objects.select_related("manager", "parent").order_by("name")
    return viewer, teams if viewer.reads_everything else teams.filter(pk__in=viewer.managed_team_ids)


@login_required
def team_list(request):
    _, teams = _teams_for_guides(request)
    return render(request, "pages/team_list.html", {"teams": list(teams)})


def _guide_team(request, slug: str) -> Team:
    """The team of a guide; a team the viewer may not open is not found (its existence is not revealed)."""
    _, teams = _teams_for_guides(request)
    return get_object_or_404(teams, slug=slug)


@login_required
def team_guide_page(request, slug: str):
    guide = team_guide(team=_guide_team(request, slug))
    return render(request, "pages/team_guide.html", {"guide": guide})


@login_required
def team_guide_csv(request, slug: str):
    guide = team_guide(team=_guide_team(request, slug))
    return csv_response(
        guide_csv_rows(guide), filename=f"team-guide-{guide.team.slug}-{guide.generated_at:%Y-%m-%d}.csv"
    )


DASHBOARD_FILTERS = ("service", "region", "team", "role", "start", "end")


def _dashboard_viewer(request):
    viewer = viewer_for(request)
    if not viewer.opens_dashboards:
        raise PermissionDenied("The dashboards are for managers, executives and L&D admins.")
    return viewer


def _dashboard_context(request, viewer, form, **extra) -> dict:
    return {"viewer": viewer, "form": form, "dashboard_links": dashboard_links_for(viewer), **extra}


def _query_with(request, **params) -> str:
    query = request.GET.copy()
    for name, value in params.items():
        query[name] = value
    return query.urlencode()


@login_required
def heatmap(request):
    viewer = _dashboard_viewer(request)
    form, filters = filters_for(request, viewer, fields=("service", "region", "team", "role"))
    by = "region" if request.GET.get("by") == "region" else "service"
    result = readiness_heatmap(filters, by=by)
    return render(
        request,
        "pages/heatmap.html",
        _dashboard_context(
            request,
            viewer,
            form,
            heatmap=result,
            chart=result.chart(),
            min_cell=MIN_CELL,
            extra_params=[("by", by)],
            by_region_query=_query_with(request, by="region"),
            by_service_query=_query_with(request, by="service"),
        ),
    )


@login_required
def trends(request):
    viewer = _dashboard_viewer(request)
    form, filters = filters_for(request, viewer, fields=DASHBOARD_FILTERS)
    result = readiness_trends(filters)
    return render(
        request,
        "pages/trends.html",
        _dashboard_context(request, viewer, form, trends=result, chart=result.chart(), filters=filters),
    )


@login_required
def content(request):
    viewer = _dashboard_viewer(request)
    form, filters = filters_for(request, viewer, fields=("region", "team", "role"))
    result = content_view(filters)
    return render(
        request,
        "pages/content.html",
        _dashboard_context(request, viewer, form, view=result, chart=result.chart(), today=filters.end),
    )


@login_required
def equity(request):
    viewer = _dashboard_viewer(request)
    result = equity_view(metric=request.GET.get("metric"))
    return render(
        request,
        "pages/equity.html",
        _dashboard_context(request, viewer, None, view=result, chart=result.chart()),
    )


@login_required
def scorecard(request):
    viewer = viewer_for(request)
    if not viewer.opens_scorecard:
        raise PermissionDenied("The scorecard is for executives and L&D admins.")
    result = weekly_scorecard()
    return render(
        request,
        "pages/scorecard.html",
        _dashboard_context(request, viewer, None, scorecard=result, trend_weeks=TREND_WEEKS),
    )
