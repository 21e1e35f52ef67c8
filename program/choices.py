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
