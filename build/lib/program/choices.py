from django.db import models


class Criticality(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class WorkingLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    PORTUGUESE = "pt", "Portuguese"
    GERMAN = "de", "German"
    FRENCH = "fr", "French"
    POLISH = "pl", "Polish"
    HINDI = "hi", "Hindi"
    JAPANESE = "ja", "Japanese"


class AuditAction(models.TextChoices):
    GRANTED = "granted", "Granted"
    REMOVED = "removed", "Removed"
    EXCEPTION_GRANTED = "exception_granted", "Exception granted"
    EXCEPTION_ENDED = "exception_ended", "Exception ended"
    SIGNED_OFF = "signed_off", "Signed off"
    REVOKED = "revoked", "Revoked"
    PUBLISHED = "published", "Published"
    CHANGED = "changed", "Changed"
