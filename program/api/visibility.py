"""Declarative visibility for viewsets; every rule is a selector in `program/selectors.py`."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from program import selectors


@dataclass(frozen=True)
class Visibility:
    """How a viewset narrows its queryset to what the caller may see."""

    apply: Callable[[User | AnonymousUser, QuerySet], QuerySet]

    @classmethod
    def everyone(cls) -> "Visibility":
        """The program's definition (roles, standards, content, scenarios...): every signed-in user reads it."""
        return cls(lambda user, queryset: queryset)

    @classmethod
    def through_person(cls, via: str) -> "Visibility":
        """Records about a person: learners see their own, coaches their learners', managers their teams' (and
        below), L&D admins all."""
        return cls(lambda user, queryset: selectors.visible_through_people(user, queryset, via=via))

    @classmethod
    def through_team(cls, via: str) -> "Visibility":
        """Records about a team: members see their team, managers the teams they manage (and below), L&D admins
        all."""
        return cls(lambda user, queryset: selectors.visible_through_teams(user, queryset, via=via))

    @classmethod
    def org_aggregates(cls) -> "Visibility":
        """Org-wide aggregates (equity audits): L&D admins and managers."""
        return cls(lambda user, queryset: queryset if selectors.user_reads_org_aggregates(user) else queryset.none())

    @classmethod
    def program_admins(cls) -> "Visibility":
        """Operational records of the program (LRS sync runs, quarantine): L&D admins and integrations."""
        return cls(lambda user, queryset: queryset if selectors.user_reads_everyone(user) else queryset.none())
