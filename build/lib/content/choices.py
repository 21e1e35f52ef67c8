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
