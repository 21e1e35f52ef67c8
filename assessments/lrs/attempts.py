"""Attempts made from xAPI statements: the LRS package is a client of the attempts rules (numbered per person and
scenario, passed by the pass mark) and of the readiness recompute; the mapping of one statement is `mapping`."""

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Q

from program.models import Person
from roles.models import StandardVersion

from ..choices import EvidenceSource, StatementStatus
from ..models import Attempt, Scenario, Statement
from ..services.readiness import readiness_recompute_queue
from .bulk import rows_insert, values_present
from .mapping import MappingError, attempt_values, makes_attempt, scenario_for
from .parsing import ParsedStatement


@dataclass
class StatementAttempts:
    """What `attempts_record_from_statements` did: how many attempts it made, for which (person id, scenario id)
    pairs, and the statements it could not map {statement_id: reason}."""

    created: int = 0
    people_and_scenarios: set = field(default_factory=set)
    rejected: dict = field(default_factory=dict)


@transaction.atomic
def attempts_record_from_statements(
    *, statements: list["Statement | ParsedStatement"], evidence_source: EvidenceSource = EvidenceSource.LRS
) -> StatementAttempts:
    """The one place attempts are made from xAPI statements, in bulk with a constant number of queries.

    A statement makes an attempt when its verb records one, its activity is a scenario, its actor is mapped
    to a person and it is not voided; its attempt is numbered after the person's earlier attempts in
    timestamp order. Sets `status` to ATTEMPT on those statements (the caller saves them); statements on a
    scenario that cannot be mapped come back in `rejected` {statement_id: reason}. Rows go in by COPY on
    PostgreSQL: model instances cost more than the whole budget of an import (5,000 statements/s).
    """
    result = StatementAttempts()
    candidates = [
        statement
        for statement in statements
        if makes_attempt(statement)
        and statement.status != StatementStatus.VOIDED
        and statement.identity is not None
        and statement.identity.person_id is not None
    ]
    if not candidates:
        return result
    iris = {statement.activity_iri for statement in candidates}
    keys = {statement.extensions["scenario"] for statement in candidates if "scenario" in statement.extensions}
    scenarios = list(
        Scenario.objects.filter(Q(xapi_activity_iri__in=iris) | Q(key__in=keys)).select_related("standard_version")
    )
    by_iri = {scenario.xapi_activity_iri: scenario for scenario in scenarios if scenario.xapi_activity_iri}
    by_key = {scenario.key: scenario for scenario in scenarios}
    mapped = []
    for statement in candidates:
        try:
            scenario = scenario_for(statement, by_iri, by_key)
        except MappingError as error:
            result.rejected[statement.statement_id] = str(error)
            continue
        if scenario is not None:
            mapped.append((statement, scenario))
    if not mapped:
        return result
    versions = {
        (version.standard_id, version.number): version
        for version in StandardVersion.objects.filter(
            standard_id__in={scenario.standard_version.standard_id for _, scenario in mapped}
        )
    }
    person_ids = {statement.identity.person_id for statement, _ in mapped}
    # Locking the people serialises numbering with any other writer of their attempts (in id order, so two
    # writers never wait on each other in a circle).
    team_by_person = dict(
        Person.objects.select_for_update(of=("self",))
        .filter(pk__in=person_ids)
        .order_by("pk")
        .values_list("id", "team_id")
    )
    # Only under the lock: a second sync of the same statements (two connections to one LRS) may have made their
    # attempts while this one waited for it; asked before, they would be made twice (a unique violation).
    already = values_present(Attempt, "source_statement_id", [statement.statement_id for statement, _ in mapped])
    last_numbers = _last_attempt_numbers(
        {(statement.identity.person_id, scenario.pk) for statement, scenario in mapped}
    )
    rows = []
    for statement, scenario in sorted(mapped, key=lambda pair: (pair[0].timestamp, str(pair[0].statement_id))):
        if statement.statement_id in already:
            statement.status = StatementStatus.ATTEMPT
            continue
        try:
            values = attempt_values(statement, scenario, versions)
        except MappingError as error:
            result.rejected[statement.statement_id] = str(error)
            continue
        person_id = statement.identity.person_id
        number = last_numbers.get((person_id, scenario.pk), 0) + 1
        last_numbers[(person_id, scenario.pk)] = number
        rows.append(
            {
                "person_id": person_id,
                "team_id": team_by_person.get(person_id),
                "attempt_number": number,
                "evidence_source": evidence_source,
                **values,
            }
        )
        result.people_and_scenarios.add((person_id, scenario.pk))
        statement.status = StatementStatus.ATTEMPT
    rows_insert(Attempt, rows)
    result.created = len(rows)
    readiness_recompute_queue(person for person, _ in result.people_and_scenarios)
    return result


def _last_attempt_numbers(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The highest attempt number of each (person id, scenario id). On PostgreSQL one query whose cost does not
    grow with the attempts table: each pair's max is one backward step in the unique index on (person, scenario,
    attempt_number), where a GROUP BY would read every attempt of those people."""
    if connection.vendor != "postgresql":
        return {
            (row["person_id"], row["scenario_id"]): row["top"]
            for row in Attempt.objects.filter(
                person_id__in={person for person, _ in pairs}, scenario_id__in={scenario for _, scenario in pairs}
            )
            .values("person_id", "scenario_id")
            .annotate(top=Max("attempt_number"))
        }
    people, scenarios = zip(*pairs, strict=True) if pairs else ((), ())
    table = Attempt._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pair.person_id, pair.scenario_id, (SELECT max(attempt.attempt_number) FROM {table} attempt"
            " WHERE attempt.person_id = pair.person_id AND attempt.scenario_id = pair.scenario_id)"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS pair(person_id, scenario_id)",
            [list(people), list(scenarios)],
        )
        return {(person, scenario): top for person, scenario, top in cursor.fetchall() if top is not None}


def attempts_void_for_statements(*, statement_ids: list, voided_at: datetime.datetime) -> int:
    """Retract the attempts made from voided statements (kept, marked voided, so they never count again), and
    recompute their people's readiness."""
    attempts = Attempt.objects.filter(source_statement_id__in=statement_ids, voided_at__isnull=True)
    person_ids = set(attempts.values_list("person_id", flat=True))
    voided = attempts.update(voided_at=voided_at)
    readiness_recompute_queue(person_ids)
    return voided
