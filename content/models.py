"""Content as a product: items with owners, versions, a lifecycle, review dates and refresh tickets; and the learning
path of each role, which sequences content items."""

from django.db import models
from django.db.models import Q

from program.validators import (
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    JsonObject,
    ShapedJSONField,
    text_validators,
    validate_storable_text,
)

from .choices import (
    ContentKind,
    ContentStatus,
    MatchVerdict,
    RefreshSource,
    RefreshStatus,
    TicketKind,
    VersionTrigger,
)


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
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text="The item learners should take instead, once this one is retired.",
    )

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "review_by"], name="content_status_review_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="retired") | Q(retired_at__isnull=False), name="content_retired_has_time"
            ),
            models.CheckConstraint(condition=~Q(replaced_by=models.F("id")), name="content_not_own_replacement"),
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
    trigger = models.CharField(max_length=20, choices=VersionTrigger.choices, default=VersionTrigger.NEW)
    trigger_incident = models.ForeignKey(
        "program.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="content_versions",
        help_text="The incident that triggered this version, when one did.",
    )

    class Meta:
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="content_version_unique_number"),
        ]

    def __str__(self):
        return f"{self.item} v{self.number}"


class RefreshTicket(models.Model):
    """A request to refresh a content item (from an incident, a due review, score data or feedback), or, with
    `kind=coverage_gap` and no item, a note to the L&D admins that no content covers an incident's root cause.

    Tickets opened from a post-incident note carry the matcher's `explanation` (matched terms, the note
    excerpt, the skill and services, the score against the threshold) and the owner's verdict, kept for
    tuning. One incident opens at most one ticket per item and one coverage-gap ticket. A version released
    with the ticket closes it and records the time from incident to refresh.
    """

    kind = models.CharField(max_length=16, choices=TicketKind.choices, default=TicketKind.REFRESH)
    item = models.ForeignKey(
        ContentItem, null=True, blank=True, on_delete=models.CASCADE, related_name="refresh_tickets"
    )
    reason = models.TextField(max_length=NOTE_MAX_LENGTH, validators=text_validators(NOTE_MAX_LENGTH))
    source = models.CharField(max_length=16, choices=RefreshSource.choices, default=RefreshSource.MANUAL)
    source_reference = models.CharField(
        max_length=200, blank=True, validators=[validate_storable_text], help_text="e.g. the incident id."
    )
    incident = models.ForeignKey(
        "program.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="refresh_tickets"
    )
    owner = models.ForeignKey(
        "program.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="refresh_tickets"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RefreshStatus.choices, default=RefreshStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="The matcher's score, when a note opened it.")
    explanation = ShapedJSONField(default=dict, blank=True, shape=JsonObject(max_depth=6, max_bytes=20_000))
    verdict = models.CharField(max_length=16, choices=MatchVerdict.choices, default=MatchVerdict.PENDING)
    verdict_note = models.TextField(
        blank=True, max_length=REASON_MAX_LENGTH, validators=text_validators(REASON_MAX_LENGTH)
    )
    verdict_at = models.DateTimeField(null=True, blank=True)
    closed_by_version = models.ForeignKey(
        ContentVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="closed_tickets"
    )
    time_to_refresh = models.DurationField(
        null=True, blank=True, help_text="From the incident's start to the version that closed the ticket."
    )

    class Meta:
        ordering = ["status", "due_on", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="refresh_status_due_idx"),
            models.Index(fields=["verdict", "score"], name="refresh_verdict_score_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "item"],
                condition=Q(incident__isnull=False, item__isnull=False),
                name="refresh_one_ticket_per_incident_item",
            ),
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(incident__isnull=False, kind="coverage_gap"),
                name="refresh_one_gap_per_incident",
            ),
            models.CheckConstraint(
                condition=Q(kind="coverage_gap") | Q(item__isnull=False), name="refresh_item_unless_gap"
            ),
        ]

    def __str__(self):
        subject = self.item or "coverage gap"
        return f"Refresh {subject}: {self.reason[:60]}"


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
