"""The org the program runs in: people, teams, the services they own, regions, shifts, and history."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import AuditAction, Criticality, WorkingLanguage
from .validators import (
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    JsonObject,
    ShapedJSONField,
    text_validators,
    validate_storable_text,
)


class Region(models.Model):
    """A geographic region people work from (used for equity audits and scheduling)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100, validators=[validate_storable_text])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Shift(models.Model):
    """A working shift (follow-the-sun on-call needs day, swing and night coverage)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100, validators=[validate_storable_text])
    starts_at_hour_utc = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["starts_at_hour_utc", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at_hour_utc__lte=23), name="shift_start_hour_in_day"),
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    """An engineering team; teams nest so that a manager sees the teams below theirs."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120, validators=[validate_storable_text])
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    manager = models.ForeignKey(
        "program.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Service(models.Model):
    """A production service owned by a team, optionally a step on the checkout critical path."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120, validators=[validate_storable_text])
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="services")
    criticality = models.CharField(max_length=16, choices=Criticality.choices, default=Criticality.MEDIUM)
    on_checkout_path = models.BooleanField(default=False)
    checkout_path_position = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Order along the checkout path (1 = first hop), when on it."
    )

    class Meta:
        ordering = ["checkout_path_position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_checkout_path=False) | Q(checkout_path_position__isnull=False),
                name="service_checkout_path_has_position",
            ),
        ]

    def __str__(self):
        return self.name


class Role(models.Model):
    """A job role with one readiness bar (e.g. on-call responder / SRE).

    An org fact (what a person does), so it lives here with the people; its readiness standard and learning path
    point at it from the apps above. The table keeps its first name (`roles_role`)."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120, validators=[validate_storable_text])
    description = models.TextField(
        blank=True, max_length=DESCRIPTION_MAX_LENGTH, validators=text_validators(DESCRIPTION_MAX_LENGTH)
    )

    class Meta:
        db_table = "roles_role"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Person(models.Model):
    """An engineer in the program (or a coach or manager), linked to a login when they have one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, validators=[validate_storable_text])
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    working_language = models.CharField(max_length=8, choices=WorkingLanguage.choices, default=WorkingLanguage.ENGLISH)
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    coach = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="coachees")
    start_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["team", "active"], name="person_team_active_idx"),
            models.Index(fields=["coach"], name="person_coach_idx"),
            # Lists page through people in their default order (the API, the pages).
            models.Index(fields=["full_name", "id"], name="person_name_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(coach=models.F("id")), name="person_not_own_coach"),
        ]

    def __str__(self):
        return self.full_name


class TeamMembership(models.Model):
    """One stretch of a person on a team (and in a role): the history that keeps the past true."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person", "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="membership_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self):
        end = self.ended_on.isoformat() if self.ended_on else "now"
        return f"{self.person} on {self.team} ({self.started_on.isoformat()} – {end})"

    # The one boundary rule of "the team of a person on a date": a membership covers its start day up to, not
    # including, its end day, which is the day a move starts the next membership (`person_move_team`).
    def covers(self, day: datetime.date) -> bool:
        """Whether the person was on this team on `day` (in memory: for rows already loaded)."""
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)

    @staticmethod
    def covering(day: datetime.date) -> Q:
        """The same rule as `covers`, as a filter."""
        return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


class AuditEntry(models.Model):
    """Append-only record of a decision: who did what to whom, when, why, and on which evidence.

    Rows are only ever inserted (see `program.services.audit_record`); the admin shows them read-only and
    `save()` refuses to update an existing row.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    subject_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    object_type = models.CharField(
        max_length=64, validators=[validate_storable_text], help_text="What the decision is about, e.g. 'gate-grant'."
    )
    object_id = models.CharField(max_length=64, blank=True, validators=[validate_storable_text])
    summary = models.CharField(max_length=300, validators=[validate_storable_text])
    reason = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH, validators=text_validators(NOTE_MAX_LENGTH))
    evidence = ShapedJSONField(default=dict, blank=True, shape=JsonObject(max_depth=6, max_bytes=100_000))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["subject_person", "occurred_at"], name="audit_person_time_idx"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are append-only.")


# The API token lives with its hashing and issuing in program/tokens.py; imported here so Django finds it.
from .tokens import ApiToken  # noqa: E402, F401
