from django.db import models


class ContentKind(models.TextChoices):
    MICRO_COURSE = "micro_course", "Micro-course"
    LAB = "lab", "Hands-on lab"
    DRILL = "drill", "Incident drill"
    CHECKLIST = "checklist", "On-the-job checklist"
    JOB_AID = "job_aid", "Job aid"


class ContentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class RefreshSource(models.TextChoices):
    INCIDENT = "incident", "Post-incident note"
    REVIEW_DUE = "review_due", "Review date reached"
    SCORE_DATA = "score_data", "Score data"
    FEEDBACK = "feedback", "Learner or coach feedback"
    MANUAL = "manual", "Manual"


class RefreshStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    WONT_DO = "wont_do", "Won't do"


class TicketKind(models.TextChoices):
    REFRESH = "refresh", "Refresh an item"
    COVERAGE_GAP = "coverage_gap", "Coverage gap (no item covers the root cause)"


class MatchVerdict(models.TextChoices):
    """The owner's word on a ticket opened by matching: kept for tuning the matcher."""

    PENDING = "pending", "Not reviewed"
    CONFIRMED = "confirmed", "Confirmed: the item needs this refresh"
    DISMISSED = "dismissed", "Dismissed: not relevant"


class VersionTrigger(models.TextChoices):
    """What made a new version necessary."""

    INCIDENT = "incident", "An incident"
    DATA = "data", "Score or effectiveness data"
    SCHEDULED_REVIEW = "scheduled_review", "The scheduled review"
    FEEDBACK = "feedback", "Learner or coach feedback"
    NEW = "new", "First release or new material"
