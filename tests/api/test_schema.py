"""The OpenAPI schema is valid and warning-free with an example for every JSON body, its docs need no CDN, and
schemathesis fuzzes every operation on a seeded database as an L&D admin token, failing on any 5xx or
response off the schema."""

import json

import jsonschema
import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from program.choices import ApiScope
from program.tokens import api_token_create
from tests.assessments.factories import (
    ActorIdentityFactory,
    AttemptFactory,
    GateExceptionFactory,
    GateGrantFactory,
    LRSSyncRunFactory,
    PersonReadinessFactory,
    QuarantinedStatementFactory,
    SignOffFactory,
    StatementFactory,
)
from tests.content.factories import ContentVersionFactory, PathStepFactory, RefreshTicketFactory
from tests.equity.factories import EquityFindingFactory
from tests.program.factories import AuditEntryFactory, ServiceFactory, TeamMembershipFactory
from tests.roles.factories import CriterionFactory, GateFactory

pytestmark = pytest.mark.django_db


def test_schema_is_valid_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/attempts/export/" in schema and "bearerAuth" in schema


def json_bodies(schema: dict):
    """(operation, JSON body) of every request and response body in the schema."""
    for path, path_item in schema["paths"].items():
        for method, operation in path_item.items():
            contents = [response.get("content", {}) for response in operation["responses"].values()]
            contents.append(operation.get("requestBody", {}).get("content", {}))
            for content in contents:
                for media_type, body in content.items():
                    if "json" in media_type:
                        yield f"{method.upper()} {path}", body


def test_every_json_body_has_an_example_that_fits_its_schema(tmp_path):
    call_command("spectacular", "--format", "openapi-json", "--file", str(tmp_path / "schema.json"))
    schema = json.loads((tmp_path / "schema.json").read_text())
    checked = 0
    for operation, body in json_bodies(schema):
        examples = [body["example"]] if "example" in body else [ex["value"] for ex in body.get("examples", {}).values()]
        assert examples, f"{operation}: a JSON body without an example"
        validator = jsonschema.Draft7Validator(body["schema"] | {"components": schema["components"]})
        for example in examples:
            errors = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(example)]
            assert not errors, f"{operation}: {errors}"
            checked += 1
    assert checked > 200
    people = schema["paths"]["/api/people/"]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    assert people["results"][0]["email"] == "ana.lima@example.com"  # by the property's name


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_are_served_without_a_cdn(client, path):
    html = client.get(path).content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn" not in html.lower()


@pytest.fixture
def fuzz_token(org, ld_admin_user):
    """A seeded org: one of everything, linked the way real data is."""
    membership = TeamMembershipFactory(person=org.learner, team=org.team_a)
    attempt = AttemptFactory(person=org.learner)
    SignOffFactory(person=org.learner, coach=org.coach, standard_version=attempt.rubric_version)
    CriterionFactory(version=attempt.rubric_version)
    GateFactory(service=ServiceFactory(team=org.team_a))
    PathStepFactory()
    ContentVersionFactory()
    RefreshTicketFactory(owner=org.coach)
    EquityFindingFactory()
    AuditEntryFactory(subject_person=membership.person)
    PersonReadinessFactory(person=org.learner, standard_version=attempt.rubric_version)
    GateGrantFactory(person=org.learner)
    GateExceptionFactory(person=org.learner)
    run = LRSSyncRunFactory()
    StatementFactory(identity=ActorIdentityFactory(person=org.learner), connection=run.connection)
    StatementFactory(identity=ActorIdentityFactory(person=None))
    QuarantinedStatementFactory(connection=run.connection, run=run)
    _token, plain = api_token_create(
        owner=ld_admin_user,
        created_by=ld_admin_user,
        name="schemathesis",
        scopes=list(ApiScope.values),
        expires_in_days=1,
    )
    return plain


@pytest.fixture
def in_process_wsgi():
    """Keep the test's database connection across WSGI calls, as Django's test client does: the end-of-request
    cleanup would otherwise close it, since it is inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


FUZZ_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Data off the schema (wrong types, out-of-range numbers, missing fields) is refused however it is refused: the
# checks are that nothing answers 5xx and that every answer is the content type it says.
NEGATIVE_CHECKS = [not_a_server_error, content_type_conformance]


@pytest.mark.parametrize(
    ("mode", "checks", "examples"),
    [(GenerationMode.POSITIVE, FUZZ_CHECKS, 12), (GenerationMode.NEGATIVE, NEGATIVE_CHECKS, 6)],
    ids=["positive", "negative"],
)
def test_every_operation_survives_fuzzing(fuzz_token, in_process_wsgi, mode, checks, examples):
    """Each operation gets a few generated requests (valid data, then data off the schema); failures are
    gathered, then shown."""
    api_schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    headers = {"Authorization": f"Bearer {fuzz_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 50
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=examples, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=checks)

        try:
            fuzz()
        except Exception as failure:  # noqa: BLE001 — gather every operation's failure before failing
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
