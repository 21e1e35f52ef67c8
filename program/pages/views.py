"""The top-level pages: wiring only (who may open them is in `access`, what they show in `selectors`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from program.models import Team

from .access import viewer_for
from .csv_export import csv_response
from .navigation import links_for
from .selectors.guide import guide_csv_rows, team_guide
from .selectors.home import home_for


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
