from django.db import models


class EquityDimension(models.TextChoices):
    REGION = "region", "Region"
    SHIFT = "shift", "Shift"
    LANGUAGE = "language", "Working language"


class EquityMetric(models.TextChoices):
    """What an audit compares between groups: access to practice first, then outcomes, then reviewers."""

    ENROLLED = "enrolled", "Access: started the path"
    LAB_TAKEN = "lab_taken", "Access: took a lab slot"
    DRILL_TAKEN = "drill_taken", "Access: took a drill slot"
    PRACTICE_TIME = "practice_time", "Access: practice minutes (median)"
    READINESS = "readiness", "Outcome: signed off ready"
    FIRST_TRY_PASS = "first_try_pass", "Outcome: first-try pass rate"
    SCORE = "score", "Outcome: score (median of each person's median)"
    TIME_TO_READY = "time_to_ready", "Outcome: days to readiness (Kaplan–Meier median)"
    REVIEWER_PASS = "reviewer_pass", "Reviewer: pass rate given to the group"


class MetricKind(models.TextChoices):
    """How a metric is summarised and tested (see equity/statistics.py)."""

    RATE = "rate", "Share of people (Wilson interval; Fisher or Boschloo)"
    MEDIAN = "median", "Median (Mann–Whitney)"
    SURVIVAL = "survival", "Kaplan–Meier median (log-rank)"


class FindingFlag(models.TextChoices):
    GREEN = "green", "Green: no adverse impact"
    AMBER = "amber", "Amber: under four-fifths without significance, or insufficient evidence"
    RED = "red", "Red: under four-fifths and significant after Holm"
    REFERENCE = "reference", "Reference: the best-off group"
    SUPPRESSED = "suppressed", "Suppressed: too few people to report"


class AuditStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class AuditTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule (beat)"
    ADMIN = "admin", "Admin"
    COMMAND = "command", "Management command"
