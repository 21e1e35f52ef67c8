"""The equity admin: audits pick their dimensions from the known ones and list their findings inline."""

import pytest

from equity.models import EquityAudit
from tests.admin_support import admin_url, inline_row, post_admin_form

pytestmark = pytest.mark.django_db


def test_audit_added_with_dimensions_and_no_hand_typed_findings_or_run_time(client, ld_admin_user):
    client.force_login(ld_admin_user)
    response = post_admin_form(
        client,
        admin_url(EquityAudit, "add"),
        {
            "dimensions": ["region", "shift"],
            "window_start": "2026-07-01",
            "window_end": "2026-09-30",
            "parameters": '{"minimum_cell_size": 5}',
            "run_at_0": "2026-10-01",
            "run_at_1": "09:00:00",
            "findings-TOTAL_FORMS": "1",
            **inline_row(
                "findings",
                0,
                {"group": "region=apac", "metric": "pass_rate", "value": "0.61", "n": "41", "flag": "none"},
            ),
        },
    )
    assert response.status_code == 302
    audit = EquityAudit.objects.get()
    assert (audit.dimensions, audit.parameters, audit.requested_by, audit.run_at) == (
        ["region", "shift"],
        {"minimum_cell_size": 5},
        ld_admin_user,
        None,
    )
    # Findings are written by an audit run only: rows posted with the form are ignored.
    assert not audit.findings.exists()


def test_unknown_dimension_is_refused(client, ld_admin_user):
    client.force_login(ld_admin_user)
    response = post_admin_form(
        client,
        admin_url(EquityAudit, "add"),
        {"dimensions": ["zodiac"], "window_start": "2026-07-01", "window_end": "2026-09-30"},
    )
    assert response.status_code == 200
    assert "dimensions" in response.context["adminform"].form.errors
    assert not EquityAudit.objects.exists()
