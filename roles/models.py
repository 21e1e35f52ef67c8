"""Skills, versioned readiness standards (rubrics) of each role, and gates. (The role itself is an org fact,
`program.models.Role`; learning paths are content sequenced for a role, `content.models.LearningPath`.)"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from program.models import Role
from program.validators import (
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    text_validators,
    validate_storable_text,
)

from .choices import GateKind, Grandfathering, RubricLevel, VersionStatus


class SkillTag(models.Model):
    """A tag that groups skills across roles (e.g. 'reliability', 'payments')."""

    name = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Skill(models.Model):
    """A skill traced to a checkout outcome; skills form a small taxonomy (parent) with tags."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120, validators=[validate_storable_text])
    description = models.TextField(
        blank=True, max_length=DESCRIPTION_MAX_LENGTH, validators=text_validators(DESCRIPTION_MAX_LENGTH)
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    tags = models.ManyToManyField(SkillTag, blank=True, related_name="skills")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReadinessStandard(models.Model):
    """The one readiness bar of a role; its content lives in numbered versions."""

    role = models.OneToOneField(Role, on_delete=models.PROTECT, related_name="standard")
    name = models.CharField(max_length=160, validators=[validate_storable_text])
    signoff_validity_days = models.PositiveIntegerField(
        default=365, help_text="How long a coach's sign-off against this standard stays current."
    )
    grandfathering = models.CharField(
        max_length=32, choices=Grandfathering.choices, default=Grandfathering.REASSESS_CHANGED
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class StandardVersion(models.Model):
    """One numbered version of a standard. A draft is editable; publishing freezes it for good."""

    standard = models.ForeignKey(ReadinessStandard, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    change_note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH, validators=text_validators(NOTE_MAX_LENGTH))
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["standard", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="version_number_unique_per_standard"),
            models.UniqueConstraint(
                fields=["standard"], condition=Q(status="draft"), name="version_one_draft_per_standard"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="version_published_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.standard} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class Criterion(models.Model):
    """A rubric criterion of a standard version: the skill, the bar, and how long evidence counts.

    Its required scenarios (`criterion.required_scenarios`) are declared by `assessments.Scenario`, the app above
    this one, so the model graph points one way; roles reads them through that reverse relation only."""

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=64, help_text="Stable across versions, so changes can be compared.")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="criteria")
    title = models.CharField(max_length=200, validators=[validate_storable_text])
    description = models.TextField(
        blank=True, max_length=DESCRIPTION_MAX_LENGTH, validators=text_validators(DESCRIPTION_MAX_LENGTH)
    )
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1.00"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    required_level = models.PositiveSmallIntegerField(choices=RubricLevel.choices, default=RubricLevel.INDEPENDENT)
    minimum_score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("80.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Minimum score (0–100) of the latest counting evidence.",
    )
    evidence_validity_days = models.PositiveIntegerField(
        default=365, help_text="Evidence older than this no longer counts."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "key"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="criterion_key_unique_per_version"),
            models.CheckConstraint(
                condition=Q(minimum_score__gte=0) & Q(minimum_score__lte=100), name="criterion_min_score_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.version}: {self.title}"


class LevelDescriptor(models.Model):
    """What a criterion looks like at one rubric level, with an example of good."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(choices=RubricLevel.choices)
    descriptor = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, validators=text_validators(DESCRIPTION_MAX_LENGTH))
    example_of_good = models.TextField(
        blank=True, max_length=DESCRIPTION_MAX_LENGTH, validators=text_validators(DESCRIPTION_MAX_LENGTH)
    )

    class Meta:
        ordering = ["criterion", "level"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "level"], name="level_unique_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion.title} · level {self.level}"


class Gate(models.Model):
    """Real work a standard opens: on-call entry, deploy rights or change approval, optionally per service."""

    kind = models.CharField(max_length=32, choices=GateKind.choices)
    service = models.ForeignKey(
        "program.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="gates"
    )
    required_standard = models.ForeignKey(ReadinessStandard, on_delete=models.PROTECT, related_name="gates")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "service"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "service"], name="gate_unique_kind_service"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(service__isnull=True), name="gate_unique_kind_without_service"
            ),
        ]

    def __str__(self):
        where = self.service.name if self.service_id else "all services"
        return f"{self.get_kind_display()} ({where})"
