"""A small org with every kind of viewer, and clients for sessions and tokens."""

import secrets
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from program.choices import ApiScope
from program.models import Person, Team
from program.tokens import api_token_create
from tests.program.factories import PersonFactory, TeamFactory


@dataclass
class Org:
    """team_a (managed by `manager`) with sub_team below it, and team_b elsewhere.

    `learner` is on team_a, coached by `coach`; `stranger` is on team_b, coached by `other_coach`: the person
    every IDOR test tries to reach.
    """

    team_a: Team
    sub_team: Team
    team_b: Team
    manager: Person
    coach: Person
    other_coach: Person
    learner: Person
    stranger: Person


@pytest.fixture
def org(ld_admin_user, coach_user, manager_user, learner_user) -> Org:
    team_a, team_b = TeamFactory(), TeamFactory()
    sub_team = TeamFactory(parent=team_a)
    manager = PersonFactory(user=manager_user, team=team_a)
    team_a.manager = manager
    team_a.save()
    coach = PersonFactory(user=coach_user, team=team_a)
    other_coach = PersonFactory(team=team_b)
    learner = PersonFactory(user=learner_user, team=team_a, coach=coach)
    stranger = PersonFactory(team=team_b, coach=other_coach)
    return Org(team_a, sub_team, team_b, manager, coach, other_coach, learner, stranger)


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def token_client(user: User, scopes: list[str]) -> APIClient:
    _token, plain = api_token_create(
        owner=user,
        created_by=user,
        name=f"test {len(scopes)} scopes {secrets.token_hex(3)}",
        scopes=scopes,
        expires_in_days=1,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


@pytest.fixture
def admin_api(ld_admin_user) -> APIClient:
    """An L&D admin's integration: a token holding every scope."""
    return token_client(ld_admin_user, list(ApiScope.values))
