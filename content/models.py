"""Content as a product: items with owners, versions, a lifecycle, review dates and refresh tickets; and the learning
path of each role, which sequences content items."""

from django.db import models
from django.db.models import Q

from program.validators import (
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    text_validators,
    validate_storable_text,
)

from .choices import ContentKind, ContentStatus, RefreshSource, RefreshStatus


class ContentItem(models.Model):
    """A course, lab, drill, checklist or job aid, owned by someone and reviewed by a date."""

    key = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=ContentKind.choices)
    title = models.CharField(max_length=200, validators=[validate_storable_text])
    summary = models.TextField(
        blank=True, max_length=DESCRIPTION_MAX_LENGTH, validators=text_validators(DESCRIPTION_MAX_LENGTH)
    )
    skills = models.ManyToManyField("roles.Skill", blank=True, related_name="content_items")
    owner = models.ForeignKey(
        "program.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_content"
    )
    status = models.CharField(max_length=16, choices=ContentStatus.choices, default=ContentStatus.DRAFT)
    review_by = models.DateField(null=True, blank=True)
    xapi_activity_iri = models.URLField(
        max_length=500, unique=True, null=True, blank=True, validators=[validate_storable_text]
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "review_by"], name="content_status_review_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="retired") | Q(retired_at__isnull=False), name="content_retired_has_time"
            ),
        ]

    def __str__(self):
        return self.title


class ContentVersion(models.Model):
    """An immutable, numbered release of a content item."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    change_note = models.TextField(max_length=NOTE_MAX_LENGTH, validators=text_validators(NOTE_MAX_LENGTH))
    link = models.URLField(max_length=500, blank=True, validators=[validate_storable_text])
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="content_version_unique_number"),
        ]

    def __str__(self):
        return f"{self.item} v{self.number}"


class RefreshTicket(models.Model):
    """A request to refresh a content item (from an incident, a due review, score data or feedback)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="refresh_tickets")
    reason = models.TextField(max_length=NOTE_MAX_LENGTH, validators=text_validators(NOTE_MAX_LENGTH))
    source = models.CharField(max_length=16, choices=RefreshSource.choices, default=RefreshSource.MANUAL)
    source_reference = models.CharField(
        max_length=200, blank=True, validators=[validate_storable_text], help_text="e.g. the incident id."
    )
    owner = models.ForeignKey(
        "program.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="refresh_tickets"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RefreshStatus.choices, default=RefreshStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_on", "-created_at"]
        indexes = [models.Index(fields=["status", "due_on"], name="refresh_status_due_idx")]

    def __str__(self):
        return f"Refresh {self.item}: {self.reason[:60]}"


class LearningPath(models.Model):
    """The one learning path of a role: ordered steps of courses, labs, drills, checklists and job aids.

    Content sequenced for a role, so it lives with the content it points at (the table keeps its first name)."""

    role = models.OneToOneField("program.Role", on_delete=models.PROTECT, related_name="learning_path")
    title = models.CharField(max_length=200, validators=[validate_storable_text])
    description = models.TextField(
        blank=True, max_length=DESCRIPTION_MAX_LENGTH, validators=text_validators(DESCRIPTION_MAX_LENGTH)
    )

    class Meta:
        db_table = "roles_learningpath"
        ordering = ["title"]

    def __str__(self):
        return self.title


class PathStep(models.Model):
    """One ordered step of a learning path, pointing at a content item and the skills it builds."""

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=ContentKind.choices)
    content_item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="path_steps")
    skills = models.ManyToManyField("roles.Skill", blank=True, related_name="path_steps")
    required = models.BooleanField(default=True)

    class Meta:
        db_table = "roles_pathstep"
        ordering = ["path", "position"]
        constraints = [
            models.UniqueConstraint(fields=["path", "position"], name="step_position_unique_per_path"),
        ]

    def __str__(self):
        return f"{self.path} · {self.position}. {self.get_kind_display()}"
