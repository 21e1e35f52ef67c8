"""Reads of the org, and the visibility rules every page and API endpoint applies.

Learners see themselves, coaches their learners, managers their teams and the teams below, L&D admins
everyone. A person can wear several hats; they see the union.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from .constants import EXECUTIVE_GROUP, INTEGRATION_GROUP, LD_ADMIN_GROUP
from .models import Person, Team, TeamMembership


def person_for_user(user: User | AnonymousUser) -> Person | None:
    """The Person linked to a login, or None."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).select_related("role", "team", "region", "shift").first()


def _group_names(user: User) -> frozenset[str]:
    """The login's group names, read once per user object (one query), like Django's own permission cache:
    a page or an API call asks who the caller is several times."""
    if not hasattr(user, "_program_group_names"):
        user._program_group_names = frozenset(user.groups.values_list("name", flat=True))
    return user._program_group_names


def user_is_program_admin(user: User | AnonymousUser) -> bool:
    """Superusers and members of the L&D admin group see and manage everything."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or LD_ADMIN_GROUP in _group_names(user)


def user_is_executive(user: User | AnonymousUser) -> bool:
    """Members of the Executive group read every dashboard, team guide and the scorecard (and change nothing)."""
    return user.is_authenticated and user.is_active and EXECUTIVE_GROUP in _group_names(user)


def user_reads_everyone(user: User | AnonymousUser) -> bool:
    """L&D admins, and integrations (BI, HR, deploy tools) whose tokens' scopes then limit what they read."""
    if user_is_program_admin(user):
        return True
    return user.is_authenticated and user.is_active and INTEGRATION_GROUP in _group_names(user)


def user_is_machine_account(user: User | AnonymousUser) -> bool:
    """A login for another system, not a person: active, in the Integration group and no other program group, not
    staff, not a superuser, with no person record. Only such logins get API tokens minted by someone else."""
    if not user.is_authenticated or not user.is_active or user.is_staff or user.is_superuser:
        return False
    if _group_names(user) != {INTEGRATION_GROUP}:
        return False
    return not Person.objects.filter(user=user).exists()


def team_ids_with_descendants(root_ids: set[int]) -> set[int]:
    """The given teams and every team nested below them (one query, whatever the depth)."""
    if not root_ids:
        return set()
    children_by_parent: dict[int, list[int]] = {}
    for team_id, parent_id in Team.objects.values_list("id", "parent_id"):
        children_by_parent.setdefault(parent_id, []).append(team_id)
    found, frontier = set(root_ids), list(root_ids)
    while frontier:
        for child_id in children_by_parent.get(frontier.pop(), []):
            if child_id not in found:
                found.add(child_id)
                frontier.append(child_id)
    return found


def team_ids_managed_by(person: Person) -> set[int]:
    """The teams a person manages and every team below them: the one expansion of a manager's reach."""
    return team_ids_with_descendants(set(person.managed_teams.values_list("id", flat=True)))


def people_visible_to(user: User | AnonymousUser) -> QuerySet[Person]:
    """Everyone this login may see: all for admins and integrations; otherwise self, coachees, reports and
    managed teams."""
    if user_reads_everyone(user):
        return Person.objects.all()
    person = person_for_user(user)
    if person is None:
        return Person.objects.none()
    managed_team_ids = team_ids_managed_by(person)
    return Person.objects.filter(
        Q(pk=person.pk) | Q(coach=person) | Q(manager=person) | Q(team_id__in=managed_team_ids)
    )


def teams_visible_to(user: User | AnonymousUser) -> QuerySet[Team]:
    """Teams this login may see: all for admins and integrations, otherwise the teams they manage (and below)
    and their own."""
    if user_reads_everyone(user):
        return Team.objects.all()
    person = person_for_user(user)
    if person is None:
        return Team.objects.none()
    managed = team_ids_managed_by(person)
    own = {person.team_id} if person.team_id else set()
    return Team.objects.filter(pk__in=managed | own)


def team_of_person_on(*, person: Person, on_date) -> Team | None:
    """The team a person was on at a given date, from the membership history (`TeamMembership.covers`)."""
    membership = (
        TeamMembership.objects.filter(TeamMembership.covering(on_date), person=person)
        .select_related("team")
        .order_by("-started_on")
        .first()
    )
    return membership.team if membership else None


def visible_through_people(user: User | AnonymousUser, queryset: QuerySet, *, via: str) -> QuerySet:
    """Rows of `queryset` whose person (reached through the field `via`) this login may see.

    The one rule for every record about a person (attempts, sign-offs, memberships, audit entries...): it
    follows `people_visible_to`, so pages and API apply the same visibility. Rows about no one (an audit entry
    of a standard, a statement of an unmapped actor) are for those who read everyone.
    """
    if user_reads_everyone(user):
        return queryset
    return queryset.filter(**{f"{via}__in": people_visible_to(user).values("pk")})


def visible_through_teams(user: User | AnonymousUser, queryset: QuerySet, *, via: str) -> QuerySet:
    """Rows of `queryset` whose team (reached through the field `via`) this login may see."""
    if user_is_program_admin(user):
        return queryset
    return queryset.filter(**{f"{via}__in": teams_visible_to(user).values("pk")})


def user_reads_org_aggregates(user: User | AnonymousUser) -> bool:
    """Org-wide aggregates (equity audits) are for L&D admins and for managers of at least one team."""
    if user_is_program_admin(user):
        return True
    person = person_for_user(user)
    return person is not None and person.managed_teams.exists()
