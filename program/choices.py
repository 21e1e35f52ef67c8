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
    EXCEPTION_REQUESTED = "exception_requested", "Exception requested"
    BACKDATED = "backdated", "Back-dated"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    LOCKED_OUT = "locked_out", "Login locked out"


class ApiScope(models.TextChoices):
    """What an API token may do: read or write one family of resources."""

    PEOPLE_READ = "people:read", "Read people, teams, services, regions, shifts"
    PEOPLE_WRITE = "people:write", "Add people and move them between teams"
    STANDARDS_READ = "standards:read", "Read roles, skills, standards, gates and learning paths"
    STANDARDS_WRITE = "standards:write", "Publish standard versions and start drafts"
    CONTENT_READ = "content:read", "Read content items, versions and refresh tickets"
    CONTENT_WRITE = "content:write", "Release content versions, retire items, open refresh tickets"
    EVIDENCE_READ = "evidence:read", "Read scenarios, attempts, sign-offs, xAPI statements and LRS records"
    EVIDENCE_WRITE = (
        "evidence:write",
        "Record attempts, sign off, revoke sign-offs, re-process quarantine",
    )
    GATES_READ = "gates:read", "Read gates, grants and exceptions; ask whether a person may pass a gate"
    GATES_WRITE = "gates:write", "Grant and end time-boxed gate exceptions"
    READINESS_READ = "readiness:read", "Read readiness"
    AUDIT_READ = "audit:read", "Read the audit trail"
    EQUITY_READ = "equity:read", "Read equity audits and findings"
    OPERATIONS_READ = "operations:read", "Read service levels, SLOs, metrics sources, refused samples and events"
    OPERATIONS_WRITE = "operations:write", "Push service-level samples"
    INCIDENTS_READ = "incidents:read", "Read incidents (times, services, root cause, post-incident note)"
    INCIDENTS_WRITE = "incidents:write", "Push incidents from an incident tool"


class IncidentSeverity(models.TextChoices):
    """How bad it was for shoppers (SEV1 = checkout down for many)."""

    SEV1 = "sev1", "SEV1: checkout down or losing orders"
    SEV2 = "sev2", "SEV2: checkout degraded for many"
    SEV3 = "sev3", "SEV3: degraded for a few, or a risk"
    SEV4 = "sev4", "SEV4: no customer impact"


class RootCauseCategory(models.TextChoices):
    """What broke, in the categories the content refresh loop matches on (see content/constants.py)."""

    BAD_DEPLOY = "bad_deploy", "Bad deploy"
    FEATURE_FLAG = "feature_flag", "Feature flag or configuration"
    DEPENDENCY_TIMEOUT = "dependency_timeout", "Dependency or gateway timeout"
    SLOW_QUERY = "slow_query", "Slow query or database"
    CAPACITY = "capacity", "Capacity or load"
    ALERTING_GAP = "alerting_gap", "Missed or noisy alert"
    CODE_DEFECT = "code_defect", "Code defect"
    INFRASTRUCTURE = "infrastructure", "Infrastructure or network"
    UNKNOWN = "unknown", "Not known yet"


class IncidentSource(models.TextChoices):
    MANUAL = "manual", "Entered in the admin"
    PAGERDUTY = "pagerduty", "PagerDuty webhook"
    API = "api", "REST push"


class WebhookStatus(models.TextChoices):
    RECEIVED = "received", "Received, waiting for the worker"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored (an event type the portal does not use)"
    MALFORMED = "malformed", "Malformed (kept with its reason)"
