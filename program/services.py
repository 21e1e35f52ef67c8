"""Writes to the org: people joining and moving teams, and the append-only audit trail."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .choices import AuditAction
from .models import AuditEntry, Person, Role, Team, TeamMembership


def audit_record(
    *,
    action: AuditAction,
    object_type: str,
    summary: str,
    actor: User | None = None,
    subject_person: Person | None = None,
    object_id: str | int = "",
    reason: str = "",
    evidence: dict | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail (the only way entries are written)."""
    entry = AuditEntry(
        actor=actor,
        action=action,
        subject_person=subject_person,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        reason=reason,
        evidence=evidence or {},
    )
    entry.full_clean()
    entry.save()
    return entry


def login_lockout_audit(*, username: str, ip_address: str, window: datetime.timedelta) -> AuditEntry | None:
    """Record that logins for `username` from `ip_address` are locked out after too many wrong passwords.

    Once per lockout: django-axes signals again at each refused attempt while locked out, and a guesser must not
    flood the trail, so nothing is written when the same lockout was recorded within `window` (the cool-off).
    Nobody is the actor (the caller is unauthenticated); the login's person, if any, is the subject, so their
    manager and the L&D admins see it next to the rest of their trail."""
    already = AuditEntry.objects.filter(
        action=AuditAction.LOCKED_OUT,
        object_type="login",
        object_id=username[:64],
        occurred_at__gte=timezone.now() - window,
        evidence__ip_address=ip_address,
    )
    if already.exists():
        return None
    user = User.objects.filter(username=username).select_related("person").first() if username else None
    subject = getattr(user, "person", None) if user is not None else None
    return audit_record(
        action=AuditAction.LOCKED_OUT,
        object_type="login",
        object_id=username[:64],
        subject_person=subject,
        summary=f"Logins for {username or 'an empty username'!r} from {ip_address or 'an unknown address'} locked "
        "out after too many wrong passwords",
        evidence={"username": username[:150], "ip_address": ip_address, "known_login": user is not None},
    )


def task_queue_by_name(name: str, *args) -> None:
    """Queue, once the current transaction commits, a Celery task registered by name by a higher app.

    A lower app triggers work that belongs to a higher one this way, never by importing it (docs/architecture.md).
    The task runs eagerly in tests, like any other."""
    from . import celery_app  # the project's Celery app: imported at call time, as the wiring imports this module

    def queue() -> None:
        celery_app.loader.import_default_modules()  # registers every app's tasks in processes that are not workers
        celery_app.tasks[name].delay(*args)

    transaction.on_commit(queue)


@transaction.atomic
def person_join(
    *,
    email: str,
    full_name: str,
    team: Team,
    role: Role | None = None,
    started_on: datetime.date | None = None,
    actor: User | None = None,
    **attributes,
) -> Person:
    """Add a person to the program on a team, opening their first membership. Audited with `actor` (the admin, the
    API caller; None only for loads)."""
    started_on = started_on or timezone.localdate()
    person = Person(email=email.strip().lower(), full_name=full_name, team=team, role=role, **attributes)
    person.start_date = person.start_date or started_on
    person.full_clean()
    person.save()
    TeamMembership.objects.create(person=person, team=team, role=role, started_on=started_on)
    audit_record(
        action=AuditAction.CHANGED,
        object_type="person",
        object_id=person.pk,
        subject_person=person,
        actor=actor,
        summary=f"{person} joined {team} on {started_on}",
        evidence={
            "team": team.pk,
            "role": role.pk if role else None,
            "manager": person.manager_id,
            "coach": person.coach_id,
            "started_on": started_on.isoformat(),
        },
    )
    return person


@transaction.atomic
def person_set_reporting_lines(
    *, person: Person, manager: Person | None, coach: Person | None, actor: User | None = None
) -> Person:
    """Set who a person reports to and who coaches them; nobody manages or coaches themselves. Audited with `actor`
    (None only for loads), since the coach decides sign-offs and the manager approves exceptions."""
    if person.pk is not None and person.pk in (getattr(manager, "pk", None), getattr(coach, "pk", None)):
        raise ValidationError(f"{person} cannot be their own manager or coach.")
    if (person.manager_id, person.coach_id) == (getattr(manager, "pk", None), getattr(coach, "pk", None)):
        return person
    person.manager, person.coach = manager, coach
    person.full_clean()
    person.save(update_fields=["manager", "coach"])
    audit_record(
        action=AuditAction.CHANGED,
        object_type="person-reporting",
        object_id=person.pk,
        subject_person=person,
        actor=actor,
        summary=f"{person} now reports to {manager or 'nobody'} and is coached by {coach or 'nobody'}",
    )
    return person


@transaction.atomic
def team_set_manager(*, team: Team, manager: Person | None, actor: User | None = None) -> Team:
    """Name a team's manager (they then see the team and every team below it). Audited with `actor` (None only for
    loads)."""
    if team.manager_id == getattr(manager, "pk", None):
        return team
    team.manager = manager
    team.full_clean()
    team.save(update_fields=["manager"])
    audit_record(
        action=AuditAction.CHANGED,
        object_type="team-manager",
        object_id=team.pk,
        subject_person=manager,
        actor=actor,
        summary=f"{manager or 'Nobody'} now manages {team}",
    )
    return team


@transaction.atomic
def person_move_team(
    *,
    person: Person,
    team: Team,
    on_date: datetime.date | None = None,
    role: Role | None = None,
    actor: User | None = None,
) -> TeamMembership:
    """Move a person to another team (and optionally role) from a date; the old membership is closed, not lost.
    Audited with `actor` (the admin, the API caller; None only for loads).

    Their attempts and sign-offs belong to the person, so they move with them; each attempt keeps the team
    it was made on, and the membership history answers "which team was this person on, then".
    """
    on_date = on_date or timezone.localdate()
    person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    role = role or person.role
    current = TeamMembership.objects.filter(person=person, ended_on__isnull=True).first()
    if current is not None:
        if current.team_id == team.pk and current.role_id == (role.pk if role else None):
            return current
        if on_date < current.started_on:
            raise ValueError(f"{person} joined {current.team} on {current.started_on}; a move must come after.")
        current.ended_on = on_date
        current.save(update_fields=["ended_on"])
    membership = TeamMembership.objects.create(person=person, team=team, role=role, started_on=on_date)
    person.team = team
    person.role = role
    person.save(update_fields=["team", "role"])
    audit_record(
        action=AuditAction.CHANGED,
        object_type="team-membership",
        object_id=membership.pk,
        subject_person=person,
        actor=actor,
        summary=f"{person} moved to {team} on {on_date}",
        evidence={
            "from_team": current.team_id if current else None,
            "to_team": team.pk,
            "role": role.pk if role else None,
            "on_date": on_date.isoformat(),
        },
    )
    return membership
