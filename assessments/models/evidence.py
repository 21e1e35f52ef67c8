"""Scenarios (one definition used everywhere), attempts (evidence) and coaches' sign-offs."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from program.validators import (
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    ShapedJSONField,
    text_validators,
    validate_storable_text,
)

from ..choices import EvidenceSource, ScenarioKind, ScoringRule, SignOffDecision
from ..constants import STEP_LIST


class Scenario(models.Model):
    """An assessment scenario with one scoring rule and pass mark, used the same way by every team."""

    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200, validators=[validate_storable_text])
    kind = models.CharField(max_length=16, choices=ScenarioKind.choices)
    description = models.TextField(
        blank=True, max_length=DESCRIPTION_MAX_LENGTH, validators=text_validators(DESCRIPTION_MAX_LENGTH)
    )
    standard_version = models.ForeignKey(
        "roles.StandardVersion",
        on_delete=models.PROTECT,
        related_name="scenarios",
        help_text="The standard version whose rubric this scenario was written against.",
    )
    skills = models.ManyToManyField(
        "roles.Skill", related_name="scenarios", help_text="The skills (so the criteria) this scenario assesses."
    )
    content_item = models.ForeignKey(
        "content.ContentItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="scenarios"
    )
    required_by_criteria = models.ManyToManyField(
        "roles.Criterion",
        blank=True,
        related_name="required_scenarios",
        # Declared here (the higher app) so no relation runs from roles up to assessments; the table is the one
        # `roles.Criterion.required_scenarios` created, kept with its rows.
        db_table="roles_criterion_required_scenarios",
        help_text="Criteria that require a passing attempt of this very scenario.",
    )
    scoring_rule = models.CharField(max_length=16, choices=ScoringRule.choices, default=ScoringRule.PERCENT)
    pass_mark = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Score (0–100) at or above which an attempt passes.",
    )
    key_steps = ShapedJSONField(
        default=list, blank=True, shape=STEP_LIST, help_text="The steps a good attempt takes, in order."
    )
    common_errors = ShapedJSONField(
        default=list, blank=True, shape=STEP_LIST, help_text="Known errors reviewers look for."
    )
    xapi_activity_iri = models.URLField(
        max_length=500, unique=True, null=True, blank=True, validators=[validate_storable_text]
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=100), name="scenario_pass_0_100"),
        ]

    def __str__(self):
        return self.title


class Attempt(models.Model):
    """One attempt of a person at a scenario: the evidence readiness is computed from.

    `team` is the person's team when the attempt was made, so a later team move leaves the past true.
    """

    # No index of their own on person, scenario and team: the composite indexes below start with each of them.
    person = models.ForeignKey("program.Person", on_delete=models.PROTECT, related_name="attempts", db_index=False)
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="attempts", db_index=False)
    rubric_version = models.ForeignKey("roles.StandardVersion", on_delete=models.PROTECT, related_name="attempts")
    team = models.ForeignKey(
        "program.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="attempts", db_index=False
    )
    attempt_number = models.PositiveIntegerField()
    completed_at = models.DateTimeField()
    score = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    passed = models.BooleanField()
    level_achieved = models.PositiveSmallIntegerField(null=True, blank=True)
    reviewer = models.ForeignKey(
        "program.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_attempts",
        db_index=False,  # attempt_reviewer_idx, partial: most attempts (all from the LRS) have no reviewer
    )
    key_steps_completed = ShapedJSONField(default=list, blank=True, shape=STEP_LIST)
    errors_made = ShapedJSONField(default=list, blank=True, shape=STEP_LIST)
    time_to_detect_seconds = models.PositiveIntegerField(null=True, blank=True)
    time_to_mitigate_seconds = models.PositiveIntegerField(null=True, blank=True)
    time_to_restore_seconds = models.PositiveIntegerField(null=True, blank=True)
    evidence_source = models.CharField(max_length=16, choices=EvidenceSource.choices, default=EvidenceSource.ADMIN)
    source_statement_id = models.UUIDField(
        null=True, blank=True, unique=True, help_text="The xAPI statement this attempt came from, if any."
    )
    voided_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the LRS voided the statement; voided evidence never counts."
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [
            models.Index(fields=["person", "scenario", "completed_at"], name="attempt_person_scenario_idx"),
            models.Index(fields=["scenario", "completed_at"], name="attempt_scenario_time_idx"),
            models.Index(fields=["team", "completed_at"], name="attempt_team_time_idx"),
            # The API's cursor pages and the exports walk attempts newest first.
            models.Index(fields=["-completed_at", "-id"], name="attempt_newest_first_idx"),
            # Only deleting a person looks attempts up by reviewer (to clear it).
            models.Index(fields=["reviewer"], condition=Q(reviewer__isnull=False), name="attempt_reviewer_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "scenario", "attempt_number"], name="attempt_number_unique_per_scenario"
            ),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="attempt_score_0_100"),
            models.CheckConstraint(
                condition=Q(level_achieved__isnull=True) | Q(level_achieved__gte=1, level_achieved__lte=4),
                name="attempt_level_1_4",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.scenario} #{self.attempt_number}"


class SignOff(models.Model):
    """A coach's readiness decision on a person against one standard version; revoked, never deleted."""

    person = models.ForeignKey("program.Person", on_delete=models.PROTECT, related_name="signoffs")
    coach = models.ForeignKey("program.Person", on_delete=models.PROTECT, related_name="signoffs_given")
    standard_version = models.ForeignKey("roles.StandardVersion", on_delete=models.PROTECT, related_name="signoffs")
    decision = models.CharField(max_length=16, choices=SignOffDecision.choices)
    reflection_notes = models.TextField(
        blank=True, max_length=NOTE_MAX_LENGTH, validators=text_validators(NOTE_MAX_LENGTH)
    )
    evidence_reviewed = models.ManyToManyField(Attempt, blank=True, related_name="signoffs")
    signed_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "program.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="signoffs_revoked"
    )
    revoke_reason = models.TextField(
        blank=True, max_length=REASON_MAX_LENGTH, validators=text_validators(REASON_MAX_LENGTH)
    )

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [
            models.Index(fields=["person", "standard_version"], name="signoff_person_version_idx"),
            models.Index(fields=["expires_at"], name="signoff_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(coach=models.F("person")), name="signoff_coach_not_self"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""), name="signoff_revoke_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.standard_version} · {self.get_decision_display()}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
