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
    NavLink("Admin", "admin:index", "admin", lambda v: v.opens_admin, "Run the program: standards, content, people"),
)


def links_for(viewer: Viewer) -> list[NavLink]:
    """The links this viewer may follow, in order."""
    if not viewer.user.is_authenticated:
        return []
    return [link for link in LINKS if link.may_open(viewer)]
