"""Evidence from xAPI Learning Record Stores: connections, sync runs, stored statements, actor identities and
the quarantine of statements the portal could not accept."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from program.validators import NOTE_MAX_LENGTH, JsonObject, ShapedJSONField, text_validators, validate_storable_text

from ..choices import (
    IdentityKind,
    MappingProfile,
    SinceMode,
    StatementStatus,
    SyncRunKind,
    SyncRunStatus,
    SyncTrigger,
)


class LRSConnection(models.Model):
    """An LRS the portal pulls statements from, with its cursor (high-water mark on `stored`).

    The secret is stored encrypted (program/crypto.py) and never shown back.
    """

    name = models.SlugField(max_length=80, unique=True)
    endpoint = models.URLField(
        max_length=500,
        validators=[validate_storable_text],
        help_text="The xAPI endpoint, e.g. https://lrs.example.com/xAPI/",
    )
    key = models.CharField(max_length=200, validators=[validate_storable_text], help_text="Basic auth key (user name).")
    secret_encrypted = models.TextField(editable=False, help_text="Basic auth secret, Fernet-encrypted.")
    page_size = models.PositiveIntegerField(default=500, help_text="Statements asked per page (`limit`).")
    sync_interval_minutes = models.PositiveIntegerField(
        null=True, blank=True, default=60, help_text="Sync every N minutes on the schedule; empty: only on demand."
    )
    mapping_profile = models.CharField(
        max_length=32, choices=MappingProfile.choices, default=MappingProfile.READINESS_PORTAL
    )
    since_mode = models.CharField(
        max_length=16,
        choices=SinceMode.choices,
        default=SinceMode.STORED,
        help_text=(
            "`stored` for an LRS that follows xAPI 1.0.3 (hosted LRSs, Learning Locker, SQL LRS, Veracity); "
            "`timestamp` for one that filters `since` on `timestamp` — Ralph does. A sync in `stored` mode checks "
            "the LRS's answers and stops, before moving the cursor, with an error saying to switch."
        ),
    )
    overlap_seconds = models.PositiveIntegerField(
        default=300,
        validators=[MinValueValidator(1)],
        help_text=(
            "Re-read this much before the cursor on every run: `stored` values tie (whole seconds on some LRSs). "
            "At least 1 s; the sync never uses less."
        ),
    )
    enabled = models.BooleanField(default=True)
    cursor_stored = models.DateTimeField(
        null=True, blank=True, help_text="High-water mark on `stored`; moves only once a page is committed."
    )
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_holder = models.CharField(
        max_length=200, blank=True, editable=False, help_text="Who runs the sync holding the lease (task or process)."
    )
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="One sync per connection: the running sync holds a lease."
    )
    last_sync_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "LRS connection"
        constraints = [
            models.CheckConstraint(condition=Q(page_size__gte=1), name="lrs_connection_page_size_positive"),
        ]

    def __str__(self):
        return self.name


class LRSSyncRun(models.Model):
    """One run of a sync (or of a file import): what it read, stored, skipped and quarantined, and how it ended."""

    connection = models.ForeignKey(
        LRSConnection, null=True, blank=True, on_delete=models.CASCADE, related_name="sync_runs"
    )
    kind = models.CharField(max_length=16, choices=SyncRunKind.choices, default=SyncRunKind.SYNC)
    trigger = models.CharField(max_length=16, choices=SyncTrigger.choices, default=SyncTrigger.COMMAND)
    source = models.CharField(
        max_length=500, blank=True, validators=[validate_storable_text], help_text="The file imported, for imports."
    )
    status = models.CharField(max_length=16, choices=SyncRunStatus.choices, default=SyncRunStatus.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    fetched = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="Already stored (or already quarantined).")
    quarantined = models.PositiveIntegerField(default=0)
    attempts_created = models.PositiveIntegerField(default=0)
    voided = models.PositiveIntegerField(default=0)
    cursor_before = models.DateTimeField(null=True, blank=True)
    cursor_after = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH, validators=text_validators(NOTE_MAX_LENGTH))

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "LRS sync run"
        indexes = [models.Index(fields=["connection", "started_at"], name="lrs_run_connection_time_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.connection or self.source} at {self.started_at:%Y-%m-%d %H:%M}"


class ActorIdentity(models.Model):
    """An xAPI actor identifier (normalised) and the person it is; unmapped identities form the review queue."""

    kind = models.CharField(max_length=16, choices=IdentityKind.choices)
    key = models.CharField(
        max_length=600,
        unique=True,
        validators=[validate_storable_text],
        help_text="Normalised identifier, e.g. mbox:mailto:a@b.com",
    )
    display_name = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_storable_text],
        help_text="The actor's name in its first statement.",
    )
    person = models.ForeignKey(
        "program.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="xapi_identities"
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    mapped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "actor identities"
        indexes = [models.Index(fields=["person"], name="actor_identity_person_idx")]

    def __str__(self):
        return self.key


RARE_STATUSES = [StatementStatus.AWAITING_IDENTITY, StatementStatus.VOIDED, StatementStatus.VOIDING]


class Statement(models.Model):
    """An xAPI statement kept exactly as received (`raw`), with the columns the portal filters on."""

    statement_id = models.UUIDField(unique=True)
    raw = models.TextField(help_text="The statement's JSON as received (key order and values kept).")
    connection = models.ForeignKey(
        LRSConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    status = models.CharField(max_length=20, choices=StatementStatus.choices)
    identity = models.ForeignKey(
        ActorIdentity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        db_index=False,  # statement_identity_status_idx starts with it
    )
    verb_iri = models.CharField(max_length=500, validators=[validate_storable_text])
    activity_iri = models.CharField(max_length=500, blank=True, validators=[validate_storable_text])
    registration = models.UUIDField(null=True, blank=True)
    timestamp = models.DateTimeField()
    stored = models.DateTimeField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    score_raw = models.FloatField(null=True, blank=True)
    score_min = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    completion = models.BooleanField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    role_key = models.CharField(max_length=80, blank=True, validators=[validate_storable_text])
    service_key = models.CharField(max_length=80, blank=True, validators=[validate_storable_text])
    rubric_version = models.PositiveIntegerField(null=True, blank=True)
    extensions = ShapedJSONField(
        default=dict,
        blank=True,
        shape=JsonObject(max_depth=3, max_bytes=100_000),
        help_text="The program's context extensions, by name.",
    )
    voids_statement_id = models.UUIDField(null=True, blank=True, help_text="For a voiding statement: its target.")
    voided_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-stored", "-id"]
        indexes = [
            models.Index(fields=["identity", "status"], name="statement_identity_status_idx"),
            models.Index(fields=["activity_iri", "timestamp"], name="statement_activity_time_idx"),
            models.Index(fields=["verb_iri"], name="statement_verb_idx"),
            models.Index(fields=["timestamp"], name="statement_timestamp_idx"),
            # The REST API filters on registration; statements without one are left out of the index.
            models.Index(
                fields=["registration"],
                condition=Q(registration__isnull=False),
                name="statement_registration_idx",
            ),
            models.Index(fields=["stored"], name="statement_stored_idx"),
            # The REST API's status filter, newest first: the rare statuses only, so the common ones (found at
            # once walking the primary key backwards) add nothing to an import.
            models.Index(
                fields=["id"],
                condition=Q(status__in=RARE_STATUSES),
                name="statement_rare_status_idx",
            ),
            models.Index(
                fields=["voids_statement_id"],
                condition=Q(voids_statement_id__isnull=False),
                name="statement_voids_idx",
            ),
        ]

    def __str__(self):
        return f"{self.statement_id} · {self.verb_iri.rsplit('/', 1)[-1]}"


class QuarantinedStatement(models.Model):
    """A statement the portal could not accept, kept with a readable reason until it is re-processed."""

    statement_id = models.UUIDField(null=True, blank=True, help_text="Empty when the statement had no valid id.")
    raw = models.TextField(help_text="Exactly what was received, even when it is not JSON.")
    reason = models.TextField(max_length=NOTE_MAX_LENGTH, validators=text_validators(NOTE_MAX_LENGTH))
    connection = models.ForeignKey(
        LRSConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="quarantined_statements"
    )
    run = models.ForeignKey(
        LRSSyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="quarantined_statements"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    reprocessed_at = models.DateTimeField(null=True, blank=True, help_text="Set once it was accepted after a fix.")

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement_id"],
                condition=Q(statement_id__isnull=False),
                name="quarantine_statement_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["reprocessed_at"], name="quarantine_pending_idx")]

    def __str__(self):
        return f"{self.statement_id or 'no id'}: {self.reason[:80]}"
