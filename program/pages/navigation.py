"""The navigation: every page a kind of user may open, and only those (the views check the same predicates)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from .access import Viewer


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    section: str
    may_open: Callable[[Viewer], bool]
    description: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# In the order they appear; sections group them in the header and on the home page.
LINKS: tuple[NavLink, ...] = (
    NavLink("Home", "home", "me", lambda viewer: True, "What needs your attention now"),
    NavLink("My readiness", "assessments:learner-home", "me", lambda v: v.person is not None, "My path, what is left"),
    NavLink("Coach workspace", "assessments:coach-queue", "coach", lambda v: v.is_coach, "Who is ready for sign-off"),
    NavLink(
        "Team guides", "pages:team-list", "teams", lambda v: v.opens_team_guides, "One-page guide per team, printable"
    ),
    NavLink(
        "Dashboards", "pages:heatmap", "dashboards", lambda v: v.opens_dashboards, "Readiness, trends, content, equity"
    ),
    NavLink("Admin", "admin:index", "admin", lambda v: v.opens_admin, "Run the program: standards, content, people"),
)


def links_for(viewer: Viewer) -> list[NavLink]:
    """The links this viewer may follow, in order."""
    if not viewer.user.is_authenticated:
        return []
    return [link for link in LINKS if link.may_open(viewer)]


# The dashboards' own navigation (a second row on each dashboard), in the same form.
DASHBOARD_LINKS: tuple[NavLink, ...] = (
    NavLink("Heat map", "pages:heatmap", "dashboards", lambda v: v.opens_dashboards, "Who meets the standard where"),
    NavLink("Trends", "pages:trends", "dashboards", lambda v: v.opens_dashboards, "Readiness and scores over time"),
    NavLink("Content", "pages:content", "dashboards", lambda v: v.opens_dashboards, "What moved scores, what is due"),
    NavLink("Equity", "pages:equity", "dashboards", lambda v: v.opens_dashboards, "The latest audit's findings"),
    NavLink("Scorecard", "pages:scorecard", "dashboards", lambda v: v.opens_scorecard, "Weekly, per service"),
)


def dashboard_links_for(viewer: Viewer) -> list[NavLink]:
    return [link for link in DASHBOARD_LINKS if link.may_open(viewer)]
