from django.db import models


class EquityDimension(models.TextChoices):
    REGION = "region", "Region"
    SHIFT = "shift", "Shift"
    LANGUAGE = "language", "Working language"


class EquityMetric(models.TextChoices):
    ACCESS = "access", "Started the path"
    PASS_RATE = "pass_rate", "First-attempt pass rate"
    SIGNED_OFF = "signed_off", "Signed off"
    TIME_TO_READY = "time_to_ready", "Median days to sign-off"


class FindingFlag(models.TextChoices):
    NONE = "none", "No concern"
    ADVERSE_IMPACT = "adverse_impact", "Below four-fifths of the best group"
    SUPPRESSED = "suppressed", "Too few people to report"
