"""Who is looking: the kinds of user a login is (several at once), and which pages each kind may open.

The navigation and the views ask the same questions here, so nobody is shown a link they cannot follow and
no page is reachable by a link the navigation would not show.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from program.models import Person
from program.selectors import person_for_user, team_ids_with_descendants, user_is_executive, user_is_program_admin


@dataclass
class Viewer:
    """One login and its hats, worked out once per request in a fixed number of queries (at most three)."""

    user: User | AnonymousUser
    person: Person | None = None
    is_admin: bool = False
    is_executive: bool = False
    managed_team_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_manager(self) -> bool:
        return bool(self.managed_team_ids)

    @property
    def is_learner(self) -> bool:
        """Someone working towards a standard: a person with a role."""
        return self.person is not None and self.person.role_id is not None

    @cached_property
    def is_coach(self) -> bool:
        """The coach workspace's own rule: a person who may record sign-offs."""
        return self.person is not None and self.user.has_perm("assessments.add_signoff")

    @property
    def reads_everything(self) -> bool:
        """L&D admins and executives see every team, service and dashboard."""
        return self.is_admin or self.is_executive

    @property
    def opens_team_guides(self) -> bool:
        return self.reads_everything or self.is_manager

    @property
    def opens_dashboards(self) -> bool:
        """The program dashboards: executives, L&D admins, and managers (over their own teams)."""
        return self.reads_everything or self.is_manager

    @property
    def opens_scorecard(self) -> bool:
        return self.reads_everything

    @property
    def opens_admin(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_staff)

    def may_open_team(self, team_id: int) -> bool:
        """A team's guide: every team for executives and L&D admins, otherwise the teams they manage (and below)."""
        return self.reads_everything or team_id in self.managed_team_ids

    @property
    def team_scope(self) -> frozenset[int] | None:
        """The team ids dashboards are limited to, or None for everything."""
        return None if self.reads_everything else self.managed_team_ids


def viewer_for(request: HttpRequest) -> Viewer:
    """The Viewer of this request, worked out on first use and kept on the request."""
    viewer = getattr(request, "_pages_viewer", None)
    if viewer is None:
        viewer = request._pages_viewer = build_viewer(request.user)
    return viewer


def build_viewer(user: User | AnonymousUser) -> Viewer:
    if not user.is_authenticated:
        return Viewer(user=user)
    person = person_for_user(user)
    managed = (
        frozenset(team_ids_with_descendants(set(person.managed_teams.values_list("id", flat=True))))
        if person is not None
        else frozenset()
    )
    return Viewer(
        user=user,
        person=person,
        is_admin=user_is_program_admin(user),
        is_executive=user_is_executive(user),
        managed_team_ids=managed,
    )
