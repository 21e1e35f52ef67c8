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
