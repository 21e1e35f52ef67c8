"""Filters of scenarios, attempts and sign-offs (API lists, CSV exports and pages)."""

from django_filters import rest_framework as filters

from program.api.filters import DateTimeRangeFilter, IdFilter
from program.choices import WorkingLanguage
from roles.choices import GateKind

from .choices import EvidenceSource, ReadinessStatus, ScenarioKind, SignOffDecision, StatementStatus
from .models import (
    Attempt,
    GateException,
    GateGrant,
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
    expires_at = DateTimeRangeFilter()
    computed_at = DateTimeRangeFilter()

    class Meta:
        model = PersonReadiness
        fields = ["person", "role", "region", "shift", "language", "team", "standard", "standard_version", "status"]


class GateGrantFilterSet(PersonAttributesFilterSet):
    gate = IdFilter(field_name="gate_id")
    kind = filters.ChoiceFilter(field_name="gate__kind", choices=GateKind.choices)
    service = IdFilter(field_name="gate__service_id")
    active = filters.BooleanFilter(field_name="removed_at", lookup_expr="isnull")
    granted_at = DateTimeRangeFilter()

    class Meta:
        model = GateGrant
        fields = ["person", "role", "region", "shift", "language", "gate", "kind", "service", "active"]


class GateExceptionFilterSet(PersonAttributesFilterSet):
    gate = IdFilter(field_name="gate_id")
    kind = filters.ChoiceFilter(field_name="gate__kind", choices=GateKind.choices)
    starts_at = DateTimeRangeFilter()
    ends_at = DateTimeRangeFilter()

    class Meta:
        model = GateException
        fields = ["person", "role", "region", "shift", "language", "gate", "kind"]


class StatementFilterSet(filters.FilterSet):
    person = IdFilter(field_name="identity__person_id")
    connection = IdFilter(field_name="connection_id")
    status = filters.ChoiceFilter(choices=StatementStatus.choices)
    verb = filters.CharFilter(field_name="verb_iri")
    activity = filters.CharFilter(field_name="activity_iri")
    voided = filters.BooleanFilter(field_name="voided_at", lookup_expr="isnull", exclude=True)
    stored = DateTimeRangeFilter()
    timestamp = DateTimeRangeFilter()

    class Meta:
        model = Statement
        fields = ["person", "connection", "status", "verb", "activity", "voided", "stored", "timestamp"]


class QuarantinedStatementFilterSet(filters.FilterSet):
    connection = IdFilter(field_name="connection_id")
    run = IdFilter(field_name="run_id")
    pending = filters.BooleanFilter(field_name="reprocessed_at", lookup_expr="isnull")
    reason = filters.CharFilter(lookup_expr="icontains")
    received_at = DateTimeRangeFilter()

    class Meta:
        model = QuarantinedStatement
        fields = ["connection", "run", "pending", "reason", "received_at"]


class LRSSyncRunFilterSet(filters.FilterSet):
    connection = IdFilter(field_name="connection_id")
    started_at = DateTimeRangeFilter()

    class Meta:
        model = LRSSyncRun
        fields = ["connection", "kind", "trigger", "status", "started_at"]
