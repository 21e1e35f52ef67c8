"""Statements whose values do not fit the shapes attempts are held to are quarantined with the reason: the same
rules as the API and the admin (program/validators.py), and nothing is lost."""

import json

import pytest
from django.core.management import call_command

from assessments.lrs.profile import EXTENSION_BY_NAME, scenario_activity_iri
from assessments.models import Attempt, LRSSyncRun, QuarantinedStatement, Statement
from tests.assessments.factories import ScenarioFactory
from tests.program.factories import PersonFactory

from .conftest import make_statement

pytestmark = pytest.mark.django_db

ERRORS = EXTENSION_BY_NAME["errors"]
STEPS = EXTENSION_BY_NAME["steps_completed"]


def test_statements_off_the_attempt_shape_are_quarantined_with_their_reason(tmp_path):
    PersonFactory(email="learner@example.com")
    ScenarioFactory(key="checkout-latency-lab", xapi_activity_iri=scenario_activity_iri("checkout-latency-lab"))
    stored = {"stored": "2026-11-20T10:00:00+00:00"}
    good = make_statement(extensions={ERRORS: ["missed the alert"]}) | stored
    bad = {
        "nested": make_statement(extensions={ERRORS: [["deep"]]}) | stored,
        "too long": make_statement(extensions={ERRORS: ["x" * 301]}) | stored,
        "too many": make_statement(extensions={STEPS: ["step"] * 101}) | stored,
        "a boolean": make_statement(extensions={STEPS: True}) | stored,
        "a NUL": make_statement(extensions={ERRORS: ["a\x00b"]}) | stored,
        "a long key": make_statement(extensions={EXTENSION_BY_NAME["role"]: "r" * 81}) | stored,
        "a long IRI": make_statement(verb="http://example.com/" + "v" * 500) | stored,
    }
    lines = [json.dumps(good)] + [json.dumps(statement) for statement in bad.values()]
    lines.append(json.dumps(make_statement(extensions={ERRORS: ["x"]}) | stored).replace('["x"]', '["\\ud800"]'))
    path = tmp_path / "export.ndjson"
    path.write_text("\n".join(lines) + "\n")

    call_command("import_statements", str(path), verbosity=0)

    run = LRSSyncRun.objects.get()
    assert (run.fetched, run.new, run.quarantined) == (9, 1, 8)  # nothing lost: every line is somewhere
    assert Statement.objects.count() == Attempt.objects.count() == 1
    assert Attempt.objects.get().errors_made == ["missed the alert"]
    reasons = {row.statement_id and str(row.statement_id): row.reason for row in QuarantinedStatement.objects.all()}
    for label, statement in bad.items():
        assert statement["id"] in reasons, label
    assert "Item 0 must be a string" in reasons[bad["nested"]["id"]]
    assert "longer than 300 characters" in reasons[bad["too long"]["id"]]
    assert "holds 101 items" in reasons[bad["too many"]["id"]]
    assert "not bool" in reasons[bad["a boolean"]["id"]]
    assert "NUL" in reasons[bad["a NUL"]["id"]]
    assert "at most 80 characters" in reasons[bad["a long key"]["id"]]
    assert "verb.id" in reasons[bad["a long IRI"]["id"]]
