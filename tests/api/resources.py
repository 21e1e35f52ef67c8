"""Every API resource, declared once for the shared tests in test_resources.py.

A case says how to make one object about a person (`make(org, person)`), which scope family guards it,
who may see it, and one filter that tells two objects apart. Adding a resource = adding one case here.
"""

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from program.models import Person
from tests.assessments.factories import (
    ActorIdentityFactory,
    AttemptFactory,
    GateExceptionFactory,
    GateGrantFactory,
    LRSConnectionFactory,
    LRSSyncRunFactory,
    PersonReadinessFactory,
    QuarantinedStatementFactory,
    ScenarioFactory,
    SignOffFactory,
    StatementFactory,
)
from tests.content.factories import (
    ContentItemFactory,
    ContentVersionFactory,
    LearningPathFactory,
    PathStepFactory,
    RefreshTicketFactory,
)
from tests.equity.factories import EquityAuditFactory, EquityFindingFactory
from tests.program.factories import (
    AuditEntryFactory,
    IncidentFactory,
    PersonFactory,
    RegionFactory,
    ServiceFactory,
    ShiftFactory,
    TeamFactory,
    TeamMembershipFactory,
)
from tests.program.operations.factories import (
    MetricSampleFactory,
    OperationalEventFactory,
    PrometheusSourceFactory,
    RejectedMetricSampleFactory,
    ServiceLevelObjectiveFactory,
)
from tests.roles.factories import (
    CriterionFactory,
    GateFactory,
    ReadinessStandardFactory,
    RoleFactory,
    SkillFactory,
    StandardVersionFactory,
)

# Who may read a resource (see program/api/visibility.py).
EVERYONE = "everyone"  # the program's definition: any signed-in user
PERSON = "person"  # about a person: self, coach, manager (teams and below), L&D admins
TEAM = "team"  # teams: members, managers (and below), L&D admins
AGGREGATES = "aggregates"  # org-wide aggregates: L&D admins and managers
ADMINS = "admins"  # operational records (LRS runs, quarantine): L&D admins and integrations only


@dataclass(frozen=True)
class ResourceCase:
    route: str  # "<namespace>:<basename>"
    scope: str
    visibility: str
    make: Callable  # (org, person) -> instance about that person (or unrelated, for EVERYONE)
    filter_param: str
    filter_value: Callable  # instance -> value of `filter_param` that selects it

    def __str__(self):
        return self.route


def _person(org, person: Person):
    return PersonFactory(team=person.team, coach=person.coach)


def _version_with_criterion(org, person):
    version = StandardVersionFactory(published=True)
    CriterionFactory(version=version)
    return version


def _path_with_step(org, person):
    path = LearningPathFactory()
    PathStepFactory(path=path)
    return path


_audit_years = itertools.count(2000)


def _audit_with_finding(org, person):
    year = next(_audit_years)
    audit = EquityAuditFactory(window_start=datetime.date(year, 1, 1), window_end=datetime.date(year, 3, 31))
    EquityFindingFactory(audit=audit)
    return audit


def _membership(org, person):
    # A new colleague with the same coach: one open membership per person is the rule.
    return TeamMembershipFactory(person=_person(org, person), team=person.team)


CASES = [
    ResourceCase("program-api:person", "people", PERSON, _person, "team", lambda o: o.team_id),
    ResourceCase(
        "program-api:team", "people", TEAM, lambda org, p: TeamFactory(parent=p.team), "slug", lambda o: o.slug
    ),
    ResourceCase(
        "program-api:service", "people", EVERYONE, lambda org, p: ServiceFactory(), "team", lambda o: o.team_id
    ),
    ResourceCase("program-api:region", "people", EVERYONE, lambda org, p: RegionFactory(), "code", lambda o: o.code),
    ResourceCase("program-api:shift", "people", EVERYONE, lambda org, p: ShiftFactory(), "code", lambda o: o.code),
    ResourceCase("program-api:teammembership", "people", PERSON, _membership, "person", lambda o: o.person_id),
    ResourceCase(
        "program-api:auditentry",
        "audit",
        PERSON,
        lambda org, p: AuditEntryFactory(subject_person=p),
        "subject_person",
        lambda o: o.subject_person_id,
    ),
    ResourceCase(
        "program-api:metricsample",
        "operations",
        EVERYONE,
        lambda org, p: MetricSampleFactory(),
        "service",
        lambda o: o.service_id,
    ),
    ResourceCase(
        "program-api:rejectedmetricsample",
        "operations",
        ADMINS,
        lambda org, p: RejectedMetricSampleFactory(),
        "batch",
        lambda o: o.batch,
    ),
    ResourceCase(
        "program-api:servicelevelobjective",
        "operations",
        EVERYONE,
        lambda org, p: ServiceLevelObjectiveFactory(),
        "service",
        lambda o: o.service_id,
    ),
    ResourceCase(
        "program-api:prometheussource",
        "operations",
        ADMINS,
        lambda org, p: PrometheusSourceFactory(),
        "name",
        lambda o: o.name,
    ),
    ResourceCase(
        "program-api:operationalevent",
        "operations",
        EVERYONE,
        lambda org, p: OperationalEventFactory(services=[ServiceFactory()]),
        "service",
        lambda o: o.services.get().pk,
    ),
    ResourceCase(
        "program-api:incident",
        "incidents",
        TEAM,
        lambda org, p: IncidentFactory(services=[ServiceFactory(team=p.team)]),
        "service",
        lambda o: o.services.get().pk,
    ),
    ResourceCase("roles-api:role", "standards", EVERYONE, lambda org, p: RoleFactory(), "key", lambda o: o.key),
    ResourceCase("roles-api:skill", "standards", EVERYONE, lambda org, p: SkillFactory(), "key", lambda o: o.key),
    ResourceCase(
        "roles-api:readinessstandard",
        "standards",
        EVERYONE,
        lambda org, p: ReadinessStandardFactory(),
        "role",
        lambda o: o.role_id,
    ),
    ResourceCase(
        "roles-api:standardversion",
        "standards",
        EVERYONE,
        _version_with_criterion,
        "standard",
        lambda o: o.standard_id,
    ),
    ResourceCase(
        "roles-api:gate",
        "gates",
        EVERYONE,
        lambda org, p: GateFactory(service=ServiceFactory()),
        "service",
        lambda o: o.service_id,
    ),
    ResourceCase("content-api:learningpath", "standards", EVERYONE, _path_with_step, "role", lambda o: o.role_id),
    ResourceCase(
        "content-api:contentitem",
        "content",
        EVERYONE,
        lambda org, p: ContentItemFactory(owner=p),
        "owner",
        lambda o: o.owner_id,
    ),
    ResourceCase(
        "content-api:contentversion",
        "content",
        EVERYONE,
        lambda org, p: ContentVersionFactory(),
        "item",
        lambda o: o.item_id,
    ),
    ResourceCase(
        "content-api:refreshticket",
        "content",
        PERSON,
        lambda org, p: RefreshTicketFactory(owner=p),
        "owner",
        lambda o: o.owner_id,
    ),
    ResourceCase(
        "assessments-api:scenario",
        "evidence",
        EVERYONE,
        lambda org, p: ScenarioFactory(),
        "standard_version",
        lambda o: o.standard_version_id,
    ),
    ResourceCase(
        "assessments-api:attempt",
        "evidence",
        PERSON,
        lambda org, p: AttemptFactory(person=p),
        "person",
        lambda o: o.person_id,
    ),
    ResourceCase(
        "assessments-api:signoff",
        "evidence",
        PERSON,
        lambda org, p: SignOffFactory(person=p, coach=p.coach),
        "coach",
        lambda o: o.coach_id,
    ),
    ResourceCase(
        "assessments-api:personreadiness",
        "readiness",
        PERSON,
        lambda org, p: PersonReadinessFactory(person=p),
        "person",
        lambda o: o.person_id,
    ),
    ResourceCase(
        "assessments-api:gategrant",
        "gates",
        PERSON,
        lambda org, p: GateGrantFactory(person=p),
        "service",
        lambda o: o.gate.service_id,
    ),
    ResourceCase(
        "assessments-api:gateexception",
        "gates",
        PERSON,
        lambda org, p: GateExceptionFactory(person=p),
        "person",
        lambda o: o.person_id,
    ),
    ResourceCase(
        "assessments-api:statement",
        "evidence",
        PERSON,
        lambda org, p: StatementFactory(identity=ActorIdentityFactory(person=p)),
        "activity",
        lambda o: o.activity_iri,
    ),
    ResourceCase(
        "assessments-api:quarantinedstatement",
        "evidence",
        ADMINS,
        lambda org, p: QuarantinedStatementFactory(),
        "connection",
        lambda o: o.connection_id,
    ),
    ResourceCase(
        "assessments-api:actoridentity",
        "evidence",
        PERSON,
        lambda org, p: ActorIdentityFactory(person=p),
        "person",
        lambda o: o.person_id,
    ),
    ResourceCase(
        "assessments-api:lrsconnection",
        "evidence",
        ADMINS,
        lambda org, p: LRSConnectionFactory(),
        "name",
        lambda o: o.name,
    ),
    ResourceCase(
        "assessments-api:lrssyncrun",
        "evidence",
        ADMINS,
        lambda org, p: LRSSyncRunFactory(),
        "connection",
        lambda o: o.connection_id,
    ),
    ResourceCase(
        "equity-api:equityaudit",
        "equity",
        AGGREGATES,
        _audit_with_finding,
        "window_end_before",
        lambda o: o.window_end.isoformat(),
    ),
    ResourceCase(
        "equity-api:equityfinding",
        "equity",
        AGGREGATES,
        lambda org, p: EquityFindingFactory(),
        "audit",
        lambda o: o.audit_id,
    ),
]

# Routes other than list/detail, each with the test that covers it (test_coverage.py checks both ways).
ACTION_TESTS = {
    "program-api:person-list POST": "tests.api.test_writes.test_person_join_calls_the_service",
    "program-api:person-move-team": "tests.api.test_writes.test_person_move_team_closes_the_old_membership",
    "program-api:metricsample-list POST": "tests.api.test_operations.test_push_stores_a_valid_batch_idempotently",
    "program-api:servicelevelobjective-status": "tests.api.test_operations.test_slo_status_reports_budget_and_alerts",
    "program-api:auditentry-export": "tests.api.test_exports.test_audit_export_streams_visible_rows",
    "roles-api:readinessstandard-new-draft": "tests.api.test_writes.test_new_draft_copies_the_latest_version",
    "roles-api:standardversion-publish": "tests.api.test_writes.test_publish_freezes_a_draft_and_is_audited",
    "content-api:contentitem-retire": "tests.api.test_writes.test_retire_content_item",
    "content-api:contentversion-list POST": "tests.api.test_writes.test_content_version_release",
    "content-api:refreshticket-list POST": "tests.api.test_writes.test_refresh_ticket_open",
    "content-api:refreshticket-review": "tests.api.test_incidents.test_the_owner_reviews_a_ticket_and_others_cannot",
    "program-api:incident-list POST": "tests.api.test_incidents.test_an_incident_push_is_recorded_once_per_external_id",
    "content-api:refreshticket-set-status": (
        "tests.api.test_writes.test_refresh_ticket_set_status_closes_it_through_the_service"
    ),
    "assessments-api:attempt-list POST": "tests.api.test_writes.test_attempt_record_numbers_and_decides_pass",
    "assessments-api:attempt-export": "tests.api.test_exports.test_attempt_export_is_filtered_csv",
    "assessments-api:signoff-list POST": "tests.api.test_writes.test_signoff_by_own_coach",
    "assessments-api:signoff-export": "tests.api.test_exports.test_signoff_export_follows_visibility",
    "assessments-api:signoff-revoke": "tests.api.test_readiness_and_gates.test_signoff_revoke_by_the_coach_closes_it",
    "assessments-api:personreadiness-export": "tests.api.test_readiness_and_gates.test_readiness_export_is_filtered",
    "assessments-api:gateexception-list POST": (
        "tests.api.test_readiness_and_gates.test_gate_exception_requested_by_the_caller_and_approved_by_another"
    ),
    "assessments-api:gateexception-approve": (
        "tests.api.test_readiness_and_gates.test_gate_exception_requested_by_the_caller_and_approved_by_another"
    ),
    "assessments-api:gateexception-end": "tests.api.test_readiness_and_gates.test_gate_exception_end_early",
    "assessments-api:quarantinedstatement-reprocess": "tests.api.test_lrs.test_reprocess_accepts_once_fixed",
    "assessments-api:actoridentity-map-to-person": "tests.api.test_lrs.test_map_an_actor_processes_its_statements",
}
