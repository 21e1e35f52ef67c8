from django.db import models


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class GateKind(models.TextChoices):
    ON_CALL = "on-call", "On-call entry"
    DEPLOY = "deploy", "Deploy rights"
    CHANGE_APPROVAL = "change-approval", "Change approval"


class Grandfathering(models.TextChoices):
    """What a newly published version means for people signed off against an older one."""

    REASSESS_CHANGED = "reassess_changed", "Keep valid; re-assess changed criteria only"
    KEEP_UNTIL_EXPIRY = "keep_until_expiry", "Keep valid until the sign-off expires"
    REASSESS_ALL = "reassess_all", "Everyone re-assesses on the new version"


class RubricLevel(models.IntegerChoices):
    AWARE = 1, "1 · Aware"
    ASSISTED = 2, "2 · Assisted"
    INDEPENDENT = 3, "3 · Independent"
    LEADS = 4, "4 · Leads others"
