from django.db import models


class ScenarioKind(models.TextChoices):
    LAB = "lab", "Hands-on lab"
    DRILL = "drill", "Incident drill"
    COURSE_CHECK = "course_check", "Course check"


class ScoringRule(models.TextChoices):
    """How a raw result becomes a 0–100 score, the same for every team."""

    PERCENT = "percent", "Percent of max score"
    KEY_STEPS = "key_steps", "Share of key steps completed"
    RUBRIC = "rubric", "Reviewer's rubric level (1–4 → 25–100)"


class EvidenceSource(models.TextChoices):
    LRS = "lrs", "xAPI LRS"
    IMPORT = "import", "Bulk import"
    ADMIN = "admin", "Entered by an admin"
    REVIEWER = "reviewer", "Observed by a reviewer"


class SignOffDecision(models.TextChoices):
    READY = "ready", "Ready"
    NOT_YET = "not_yet", "Not yet"


class SinceMode(models.TextChoices):
    """How an LRS filters `since`, so the sync knows whether its cursor can be trusted."""

    STORED = "stored", "On `stored`, as xAPI 1.0.3 says (read from the cursor minus the overlap)"
    TIMESTAMP = "timestamp", "On `timestamp` (e.g. Ralph): read everything every run, skip known ids"


class MappingProfile(models.TextChoices):
    """Which xAPI profile turns a connection's statements into attempts."""

    READINESS_PORTAL = "readiness-portal", "Readiness Portal profile (docs/xapi-profile.md)"


class SyncRunKind(models.TextChoices):
    SYNC = "sync", "Sync from an LRS"
    IMPORT = "import", "Import of an LRS export file"


class SyncTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule (beat)"
    ADMIN = "admin", "Admin action"
    COMMAND = "command", "Management command"


class SyncRunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class StatementStatus(models.TextChoices):
    """What became of a stored statement."""

    RECORDED = "recorded", "Stored; makes no attempt (outside the profile)"
    ATTEMPT = "attempt", "Made an attempt"
    AWAITING_IDENTITY = "awaiting_identity", "Waits for its actor to be mapped to a person"
    VOIDED = "voided", "Voided by a later statement"
    VOIDING = "voiding", "Voids another statement"


class IdentityKind(models.TextChoices):
    """The four inverse functional identifiers of an xAPI actor."""

    MBOX = "mbox", "mbox (email)"
    MBOX_SHA1SUM = "mbox_sha1sum", "mbox_sha1sum"
    OPENID = "openid", "OpenID"
    ACCOUNT = "account", "Account (homePage + name)"


class ReadinessStatus(models.TextChoices):
    """Where a person stands against their standard's current version, in the order a learner moves through."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    READY_FOR_SIGNOFF = "ready_for_signoff", "Ready for sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    EXPIRING_SOON = "expiring_soon", "Expiring soon"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class CalibrationVerdict(models.TextChoices):
    """Krippendorff (2004): rely on α ≥ .800; .667–.800 for tentative conclusions only."""

    PASS = "pass", "Pass (α ≥ 0.800)"
    TENTATIVE = "tentative", "Tentative (0.667 ≤ α < 0.800)"
    FAIL = "fail", "Fail (α < 0.667)"
    INSUFFICIENT = "insufficient", "Insufficient data"
