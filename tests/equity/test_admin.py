"""The equity admin: an L&D admin asks for an audit, it runs, and its findings are there to read (not to edit)."""

import datetime

import pytest
from django.utils import timezone

from equity.choices import AuditStatus, FindingFlag
from equity.models import EquityAudit, EquityFinding
from program.models import AuditEntry
from tests.admin_support import admin_url, post_admin_form, run_action
from tests.assessments.readiness_factories import program_setup
from tests.program.factories import RegionFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def _people(program, count=30):
    regions = [RegionFactory(code="emea"), RegionFactory(code="apac")]
    shift = ShiftFactory(code="day")
    for index in range(count):
        person = program.learner(region=regions[index % 2], shift=shift)
        program.attempt(person, days_ago=5, score=90 if index % 2 == 0 or index % 5 == 0 else 50, attempt_number=1)


def test_audit_asked_for_in_the_admin_runs_and_lists_its_findings(
    client, ld_admin_user, django_capture_on_commit_callbacks
):
    program = program_setup(criteria=1)
    _people(program)
    client.force_login(ld_admin_user)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_admin_form(
            client,
            admin_url(EquityAudit, "add"),
            {
                "role": program.standard.role.pk,
                "dimensions": ["region", "shift"],
                "window_start": (today - datetime.timedelta(days=30)).isoformat(),
                "window_end": today.isoformat(),
                "minimum_cell_size": "5",
                "seed": "3",
            },
        )
    assert response.status_code == 302
    audit = EquityAudit.objects.get()
    assert audit.status == AuditStatus.SUCCEEDED and audit.requested_by == ld_admin_user
    assert audit.parameters == {"minimum_cell_size": 5, "seed": 3}
    assert set(audit.library_versions) == {"scipy", "statsmodels", "numpy", "krippendorff"}
    apac = audit.findings.get(dimension="region", group="region=apac", metric="first_try_pass")
    assert apac.flag == FindingFlag.RED and apac.ratio < 0.8
    assert AuditEntry.objects.filter(object_type="equity-audit", object_id=str(audit.pk)).exists()

    page = client.get(admin_url(EquityAudit, "change", audit.pk))
    assert page.status_code == 200 and b"region=apac" in page.content
    # Read-only: the finding cannot be changed, nor the audit deleted.
    finding = audit.findings.first()
    assert client.post(admin_url(EquityFinding, "change", finding.pk), {"flag": "green"}).status_code == 403
    assert client.post(admin_url(EquityAudit, "delete", audit.pk), {"post": "yes"}).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        run_action(client, EquityAudit, "run_again_action", [audit])
    again = EquityAudit.objects.exclude(pk=audit.pk).get()
    assert again.status == AuditStatus.SUCCEEDED
    assert list(again.findings.values_list("group", "metric", "p_value", "flag")) == list(
        audit.findings.values_list("group", "metric", "p_value", "flag")
    )


def test_unknown_dimension_is_refused(client, ld_admin_user):
    program = program_setup(criteria=1)
    client.force_login(ld_admin_user)
    response = post_admin_form(
        client,
        admin_url(EquityAudit, "add"),
        {
            "role": program.standard.role.pk,
            "dimensions": ["zodiac"],
            "window_start": "2026-07-01",
            "window_end": "2026-09-30",
        },
    )
    assert response.status_code == 200
    assert "dimensions" in response.context["adminform"].form.errors
    assert not EquityAudit.objects.exists()
