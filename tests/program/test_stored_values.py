"""`manage.py stored_values`: rows stored before the input rules are reported, and `--repair` makes them fit."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from assessments.models import Attempt, SignOff
from program.models import AuditEntry
from tests.assessments.factories import AttemptFactory, SignOffFactory
from tests.program.factories import AuditEntryFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("stored_values", *args, stdout=out)
    return out.getvalue()


def test_off_shape_and_over_long_values_are_reported_then_repaired():
    fine = AttemptFactory(errors_made=["missed the alert"])
    flag = AttemptFactory()
    nested = AttemptFactory()
    signoff = SignOffFactory()
    entry = AuditEntryFactory()
    # Written the way the old API wrote them: no validation on the way in.
    Attempt.objects.filter(pk=flag.pk).update(errors_made=True)
    Attempt.objects.filter(pk=nested.pk).update(key_steps_completed=[[[["deep"]]]], errors_made=["x" * 400])
    SignOff.objects.filter(pk=signoff.pk).update(reflection_notes="n" * 20_000)
    AuditEntry.objects.filter(pk=entry.pk).update(evidence=["not", "an", "object"])
    if connection.vendor == "sqlite":  # PostgreSQL refuses these on the way in
        AttemptFactory(errors_made=["ok"])
        Attempt.objects.filter(pk=fine.pk).update(errors_made=["lone \ud800 surrogate"])
        SignOff.objects.filter(pk=signoff.pk).update(revoke_reason="a\x00b")

    with pytest.raises(CommandError, match="run with --repair"):
        run()
    report = run("--repair")
    assert f"assessments.Attempt #{flag.pk} errors_made: Must be a list" in report
    assert f"assessments.Attempt #{nested.pk} key_steps_completed: Item 0 must be a string" in report
    assert f"assessments.Attempt #{nested.pk} errors_made: Item 0 is longer than 300" in report
    assert f"assessments.SignOff #{signoff.pk} reflection_notes: longer than 10000 characters" in report
    assert f"program.AuditEntry #{entry.pk} evidence: Must be a JSON object" in report

    assert "Every stored value fits its rules." in run()
    assert Attempt.objects.get(pk=flag.pk).errors_made == ["true"]
    assert Attempt.objects.get(pk=nested.pk).key_steps_completed == ['[[["deep"]]]']
    assert len(SignOff.objects.get(pk=signoff.pk).reflection_notes) == 10_000
    if connection.vendor == "sqlite":
        assert Attempt.objects.get(pk=fine.pk).errors_made == ["lone \ufffd surrogate"]
        assert SignOff.objects.get(pk=signoff.pk).revoke_reason == "ab"
