"""Reviewer calibration: rounds where reviewers score the same recorded attempts, and blind spot checks."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from program.validators import JsonObject, ShapedJSONField

from ..choices import CalibrationVerdict


class CalibrationRound(models.Model):
    """Several reviewers score the same recorded attempts of one scenario with one rubric version.

    Scores are entered while the round is open; `calibration_round_analyse` then stores α, its interval, the
    verdict and each reviewer's drift, and the round is closed for good.
    """

    scenario = models.ForeignKey("assessments.Scenario", on_delete=models.PROTECT, related_name="calibration_rounds")
    rubric_version = models.ForeignKey("roles.StandardVersion", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    attempts = models.ManyToManyField("assessments.Attempt", related_name="calibration_rounds")
    reviewers = models.ManyToManyField("program.Person", related_name="calibration_rounds")
    opened_at = models.DateTimeField()
    analysed_at = models.DateTimeField(null=True, blank=True)
    alpha = models.FloatField(null=True, blank=True, help_text="Krippendorff's α, ordinal, in rubric order.")
    alpha_low = models.FloatField(null=True, blank=True)
    alpha_high = models.FloatField(null=True, blank=True)
    verdict = models.CharField(max_length=16, choices=CalibrationVerdict.choices, blank=True)
    seed = models.PositiveIntegerField(default=12, help_text="Seed of the bootstrap (runs repeat exactly).")
    library_versions = ShapedJSONField(default=dict, blank=True, shape=JsonObject(max_depth=2, max_bytes=2_000))

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["analysed_at"], name="calibration_analysed_idx")]

    def __str__(self):
        return f"{self.title} ({self.opened_at:%Y-%m-%d})" if self.opened_at else self.title

    @property
    def is_open(self) -> bool:
        return self.analysed_at is None


class CalibrationScore(models.Model):
    """One reviewer's rubric level for one attempt of a round."""

    round = models.ForeignKey(CalibrationRound, on_delete=models.CASCADE, related_name="scores")
    attempt = models.ForeignKey("assessments.Attempt", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey("program.Person", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    scored_at = models.DateTimeField()

    class Meta:
        ordering = ["round", "attempt", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["round", "attempt", "reviewer"], name="calibration_score_once"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="calibration_score_level_1_4"),
        ]

    def __str__(self):
        return f"{self.reviewer} · attempt {self.attempt_id}: {self.level}"


class ReviewerCalibration(models.Model):
    """One reviewer's result in an analysed round: drift from the panel, α without them, and whether they pass.

    A standard that requires calibrated coaches counts a coach's sign-offs only while their latest result passed.
    """

    round = models.ForeignKey(CalibrationRound, on_delete=models.CASCADE, related_name="results")
    reviewer = models.ForeignKey("program.Person", on_delete=models.PROTECT, related_name="calibrations")
    scored = models.PositiveIntegerField()
    mean_deviation = models.FloatField(null=True, blank=True, help_text="Signed, in rubric points, from the panel.")
    alpha_without = models.FloatField(null=True, blank=True)
    flagged = models.BooleanField(help_text="0.5 rubric points or more from the panel.")
    passed = models.BooleanField(help_text="The round passed (α ≥ 0.800) and the reviewer was not flagged.")
    analysed_at = models.DateTimeField()

    class Meta:
        ordering = ["reviewer", "-analysed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["round", "reviewer"], name="reviewer_calibration_once")]
        indexes = [models.Index(fields=["reviewer", "analysed_at"], name="calibration_reviewer_time_idx")]

    def __str__(self):
        return f"{self.reviewer} · {self.round}: {'passed' if self.passed else 'not passed'}"


class SpotCheck(models.Model):
    """A live assessment picked for a blind second scoring; a disagreement goes to the next calibration round."""

    attempt = models.OneToOneField("assessments.Attempt", on_delete=models.CASCADE, related_name="spot_check")
    second_reviewer = models.ForeignKey("program.Person", on_delete=models.PROTECT, related_name="spot_checks")
    selected_at = models.DateTimeField()
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    passed = models.BooleanField(null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    disagrees = models.BooleanField(null=True, blank=True, help_text="Another level or another pass/fail.")
    listed_in = models.ForeignKey(
        CalibrationRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="spot_checks"
    )

    class Meta:
        ordering = ["-selected_at", "-id"]
        indexes = [models.Index(fields=["disagrees", "listed_in"], name="spot_check_disagrees_idx")]

    def __str__(self):
        return f"Spot check of attempt {self.attempt_id} by {self.second_reviewer}"
