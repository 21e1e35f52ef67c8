"""Append-only means append-only: evidence records and audit rows are never changed or deleted in the admin, by
anyone, superusers included (issue 9, audit-trail bypasses). One mixin does it, and every evidence admin uses it."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User

from assessments.models import (
    Attempt,
    ExpiryReminder,
    GateException,
    GateGrant,
    LRSSyncRun,
    PersonReadiness,
    QuarantinedStatement,
    SignOff,
    Statement,
)
from content.models import ContentVersion
from equity.models import EquityFinding
from program.admin_mixins import EvidenceAdminMixin
from program.models import AuditEntry, TeamMembership
from program.tokens import ApiToken
from tests.admin_support import admin_url

from .test_admin import make_one_of_everything

pytestmark = pytest.mark.django_db

# Evidence and decisions: nobody changes or deletes one; the first group is never added in the admin either.
NEVER_ADDED_HERE = [
    AuditEntry,
    TeamMembership,
    Statement,
    LRSSyncRun,
    QuarantinedStatement,
    PersonReadiness,
    GateGrant,
    ExpiryReminder,
    EquityFinding,
]
ADDED_THROUGH_A_SERVICE = [Attempt, SignOff, GateException, ContentVersion, ApiToken]
EVIDENCE_MODELS = NEVER_ADDED_HERE + ADDED_THROUGH_A_SERVICE


def model_id(model) -> str:
    return model._meta.label


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(username="root", password="pw-for-tests-123")


@pytest.mark.parametrize("model", EVIDENCE_MODELS, ids=model_id)
def test_every_evidence_admin_uses_the_one_mixin(model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, EvidenceAdminMixin)
    assert model_admin.added_through_service is (model in ADDED_THROUGH_A_SERVICE)


@pytest.mark.parametrize("model", EVIDENCE_MODELS, ids=model_id)
def test_a_superuser_neither_changes_nor_deletes_evidence(client, superuser, model):
    make_one_of_everything()
    obj = model.objects.first()
    client.force_login(superuser)
    change_url = admin_url(model, "change", obj.pk)
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(change_url, {}).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    changelist = client.get(admin_url(model))
    assert "delete_selected" not in admin.site._registry[model].get_actions(changelist.wsgi_request)
    bulk_delete = client.post(
        admin_url(model), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert bulk_delete.status_code in (200, 302)
    assert model.objects.filter(pk=obj.pk).exists()
    expected_add = 200 if model in ADDED_THROUGH_A_SERVICE else 403
    assert client.get(admin_url(model, "add")).status_code == expected_add


def test_equity_findings_cannot_be_typed_in_through_the_audit_inline(client, superuser):
    from equity.models import EquityAudit
    from tests.admin_support import inline_row, post_admin_form

    client.force_login(superuser)
    response = post_admin_form(
        client,
        admin_url(EquityAudit, "add"),
        {
            "dimensions": ["region"],
            "window_start": "2026-07-01",
            "window_end": "2026-09-30",
            "findings-TOTAL_FORMS": "1",
            **inline_row("findings", 0, {"group": "region=apac", "metric": "pass_rate", "value": "1", "n": "9"}),
        },
    )
    assert response.status_code == 302
    assert not EquityFinding.objects.exists()


def test_no_group_may_delete_evidence():
    from django.contrib.auth.models import Permission

    from program.groups import GROUP_PERMISSIONS, NEVER_DELETED_MODELS

    deletable = Permission.objects.filter(
        group__name__in=GROUP_PERMISSIONS, codename__startswith="delete_"
    ).values_list("content_type__app_label", "content_type__model")
    assert not set(deletable) & NEVER_DELETED_MODELS
    assert {
        (model._meta.app_label, model._meta.model_name) for model in EVIDENCE_MODELS if model is not AuditEntry
    } <= (NEVER_DELETED_MODELS)
