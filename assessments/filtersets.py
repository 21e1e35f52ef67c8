"""Filters of scenarios, attempts, sign-offs, readiness, gates and LRS records (API lists, CSV exports, pages)."""

from django.db.models import Q
from django.utils import timezone
from django_filters import rest_framework as filters

from program.api.filters import DateTimeRangeFilter, IdFilter
from program.choices import WorkingLanguage
from roles.choices import GateKind

from .choices import (
    EvidenceSource,
    IdentityKind,
    MappingProfile,
    ReadinessStatus,
    ScenarioKind,
    SignOffDecision,
    StatementStatus,
    SyncRunKind,
    SyncRunStatus,
    SyncTrigger,
)
from .models import (
    ActorIdentity,
    Attempt,
    GateException,
    GateGrant,
    LRSConnection,
    LRSSyncRun,
    PersonReadiness,
    QuarantinedStatement,
    Scenario,
    SignOff,
    Statement,
)


class ScenarioFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ScenarioKind.choices)
    standard_version = IdFilter(field_name="standard_version_id")
    skill = IdFilter(field_name="skills", distinct=True)
    active = filters.BooleanFilter()

    class Meta:
        model = Scenario
        fields = ["kind", "standard_version", "skill", "active"]


class PersonAttributesFilterSet(filters.FilterSet):
    """Filters on the person a record is about: role, region, shift and working language."""

    person = IdFilter(field_name="person_id")
    role = IdFilter(field_name="person__role_id")
    region = IdFilter(field_name="person__region_id")
    shift = IdFilter(field_name="person__shift_id")
    language = filters.ChoiceFilter(field_name="person__working_language", choices=WorkingLanguage.choices)


class AttemptFilterSet(PersonAttributesFilterSet):
    scenario = IdFilter(field_name="scenario_id")
    team = IdFilter(field_name="team_id", label="Team the person was on when attempting")
    standard_version = IdFilter(field_name="rubric_version_id")
    passed = filters.BooleanFilter()
    evidence_source = filters.ChoiceFilter(choices=EvidenceSource.choices)
    voided = filters.BooleanFilter(field_name="voided_at", lookup_expr="isnull", exclude=True)
    completed_at = DateTimeRangeFilter()

    class Meta:
        model = Attempt
        fields = [
            "person",
            "role",
            "region",
            "shift",
            "language",
            "scenario",
            "team",
            "standard_version",
            "passed",
            "evidence_source",
            "voided",
            "completed_at",
        ]


class SignOffFilterSet(PersonAttributesFilterSet):
    team = IdFilter(field_name="person__team_id", label="The person's current team")
    coach = IdFilter(field_name="coach_id")
    standard_version = IdFilter(field_name="standard_version_id")
    decision = filters.ChoiceFilter(choices=SignOffDecision.choices)
    revoked = filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", exclude=True)
    signed_at = DateTimeRangeFilter()
    expires_at = DateTimeRangeFilter()

    class Meta:
        model = SignOff
        fields = [
            "person",
            "role",
            "region",
            "shift",
            "language",
            "team",
            "coach",
            "standard_version",
            "decision",
            "revoked",
            "signed_at",
            "expires_at",
        ]


class PersonReadinessFilterSet(PersonAttributesFilterSet):
    team = IdFilter(field_name="person__team_id", label="The person's current team")
    standard = IdFilter(field_name="standard_id")
    standard_version = IdFilter(field_name="standard_version_id")
    status = filters.ChoiceFilter(choices=ReadinessStatus.choices)
    criteria_met = filters.BooleanFilter()
    needs_reassessment = filters.BooleanFilter()
    expires_at = DateTimeRangeFilter()
    computed_at = DateTimeRangeFilter()

    class Meta:
        model = PersonReadiness
        fields = [
            "person",
            "role",
            "region",
            "shift",
            "language",
            "team",
            "standard",
            "standard_version",
            "status",
            "criteria_met",
            "needs_reassessment",
            "expires_at",
            "computed_at",
        ]


GATE_HOLDING_FIELDS = ["person", "role", "region", "shift", "language", "team", "gate", "kind", "service", "active"]


class GateHoldingFilterSet(PersonAttributesFilterSet):
    """Filters shared by grants and exceptions: whose, which gate (kind, service), and whether it is active now."""

    team = IdFilter(field_name="person__team_id", label="The person's current team")
    gate = IdFilter(field_name="gate_id")
    kind = filters.ChoiceFilter(field_name="gate__kind", choices=GateKind.choices, label="Gate kind")
    service = IdFilter(field_name="gate__service_id", label="Service of the gate (all-services gates have none)")
    active = filters.BooleanFilter(method="filter_active", label="Lets the person pass the gate now")

    def active_now(self) -> Q:
        raise NotImplementedError

    def filter_active(self, queryset, name, value):
        return queryset.filter(self.active_now()) if value else queryset.exclude(self.active_now())


class GateGrantFilterSet(GateHoldingFilterSet):
    granted_at = DateTimeRangeFilter()

    class Meta:
        model = GateGrant
        fields = [*GATE_HOLDING_FIELDS, "granted_at"]

    def active_now(self) -> Q:
        # The gate check's rule: not removed, and not past its expiry even if the daily run has not removed it yet.
        return Q(removed_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class GateExceptionFilterSet(GateHoldingFilterSet):
    starts_at = DateTimeRangeFilter()
    ends_at = DateTimeRangeFilter()
    approved = filters.BooleanFilter(
        field_name="approved_at", lookup_expr="isnull", exclude=True, label="Approved (false: waiting for approval)"
    )

    class Meta:
        model = GateException
        fields = [*GATE_HOLDING_FIELDS, "starts_at", "ends_at", "approved"]

    def active_now(self) -> Q:
        now = timezone.now()
        return Q(approved_at__isnull=False, starts_at__lte=now, ends_at__gt=now, ended_early_at__isnull=True)


class StatementFilterSet(filters.FilterSet):
    person = IdFilter(field_name="identity__person_id", label="The person the actor is mapped to")
    verb = filters.CharFilter(field_name="verb_iri", label="Verb IRI, exactly")
    activity = filters.CharFilter(field_name="activity_iri", label="Activity IRI, exactly")
    status = filters.ChoiceFilter(choices=StatementStatus.choices)
    connection = IdFilter(field_name="connection_id")
    registration = filters.UUIDFilter()
    voided = filters.BooleanFilter(field_name="voided_at", lookup_expr="isnull", exclude=True)
    stored = DateTimeRangeFilter()
    timestamp = DateTimeRangeFilter()

    class Meta:
        model = Statement
        fields = [
            "person",
            "verb",
            "activity",
            "status",
            "connection",
            "registration",
            "voided",
            "stored",
            "timestamp",
        ]


class QuarantinedStatementFilterSet(filters.FilterSet):
    reason = filters.CharFilter(lookup_expr="icontains", label="Words in the reason")
    connection = IdFilter(field_name="connection_id")
    run = IdFilter(field_name="run_id")
    pending = filters.BooleanFilter(field_name="reprocessed_at", lookup_expr="isnull", label="Not re-processed yet")
    received_at = DateTimeRangeFilter()

    class Meta:
        model = QuarantinedStatement
        fields = ["reason", "connection", "run", "pending", "received_at"]


class ActorIdentityFilterSet(filters.FilterSet):
    mapped = filters.BooleanFilter(
        field_name="person", lookup_expr="isnull", exclude=True, label="false: the review queue"
    )
    person = IdFilter(field_name="person_id")
    kind = filters.ChoiceFilter(choices=IdentityKind.choices)
    key = filters.CharFilter(lookup_expr="icontains", label="Words in the normalised identifier")

    class Meta:
        model = ActorIdentity
        fields = ["mapped", "person", "kind", "key"]


class LRSConnectionFilterSet(filters.FilterSet):
    name = filters.CharFilter()
    enabled = filters.BooleanFilter()
    mapping_profile = filters.ChoiceFilter(choices=MappingProfile.choices)

    class Meta:
        model = LRSConnection
        fields = ["name", "enabled", "mapping_profile"]


class LRSSyncRunFilterSet(filters.FilterSet):
    connection = IdFilter(field_name="connection_id")
    kind = filters.ChoiceFilter(choices=SyncRunKind.choices)
    trigger = filters.ChoiceFilter(choices=SyncTrigger.choices)
    status = filters.ChoiceFilter(choices=SyncRunStatus.choices)
    started_at = DateTimeRangeFilter()

    class Meta:
        model = LRSSyncRun
        fields = ["connection", "kind", "trigger", "status", "started_at"]
