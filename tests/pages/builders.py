"""A team in every state the pages show: signed off (some expiring), one criterion away, failing labs, new."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone

from program.constants import COACH_GROUP, EXECUTIVE_GROUP, LD_ADMIN_GROUP, MANAGER_GROUP
from program.models import Person, Team
from tests.assessments.readiness_factories import Program, person_with_login, program_setup, recompute
from tests.program.factories import TeamFactory, UserFactory

LAB_ERROR = "Rolled forward instead of back"


@dataclass
class TeamWorld:
    program: Program
    team: Team
    manager: Person
    members: list[Person]


def add_to_group(person: Person, group_name: str) -> Person:
    person.user.groups.add(Group.objects.get(name=group_name))
    return person


def build_team(*, people: int, program: Program | None = None, manager_login: str | None = None) -> TeamWorld:
    """A team of `people` with a manager login; member i is, by i % 4: signed off (every other one expiring within
    30 days), one criterion away, failing a lab with a recorded error, or not started."""
    program = program or program_setup(criteria=2)
    team = TeamFactory()
    manager = add_to_group(person_with_login(manager_login or f"manager-of-{team.slug}"), MANAGER_GROUP)
    team.manager = manager
    team.save()
    members = []
    for index in range(people):
        person = program.learner(team=team, full_name=f"{team.name} member {index:03d}")
        state = index % 4
        if state == 0:
            program.meet_all(person)
            program.signoff(person, days_ago=350 if index % 8 == 0 else 10)
        elif state == 1:
            program.attempt(person, index=0, score=95)
        elif state == 2:
            program.attempt(person, index=0, score=40, errors_made=[LAB_ERROR, "Skipped the canary"])
        members.append(person)
    recompute(*members)
    return TeamWorld(program=program, team=team, manager=manager, members=members)


def login_of(username: str, *groups: str, **person_kwargs) -> Person:
    person = person_with_login(username, **person_kwargs)
    for group in groups:
        add_to_group(person, group)
    return person


def give_login(person: Person, username: str, *groups: str) -> Person:
    """Link an existing person to a new login in the given groups."""
    person.user = UserFactory(username=username)
    person.save()
    for group in groups:
        add_to_group(person, group)
    return person


def executive(username: str = "exec") -> Person:
    return login_of(username, EXECUTIVE_GROUP)


def ld_admin(username: str = "ld") -> Person:
    person = login_of(username, LD_ADMIN_GROUP)
    person.user.is_staff = True
    person.user.save()
    return person


def coach(username: str = "coach-p") -> Person:
    return login_of(username, COACH_GROUP)


def days_from_now(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)
