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


class ReadinessStatus(models.TextChoices):
    """Where a person stands against their standard's current version, in the order a learner moves through."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    READY_FOR_SIGNOFF = "ready_for_signoff", "Ready for sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    EXPIRING_SOON = "expiring_soon", "Expiring soon"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
