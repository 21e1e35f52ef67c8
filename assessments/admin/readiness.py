"""Admin of computed readiness, gate grants and gate exceptions: read-only, except exceptions created through
the service (the logged-in admin is the approver, so approver ≠ requester is enforced and audited)."""

from django import forms
from django.contrib import admin

from roles.admin import GateListFilter

from ..models import ExpiryReminder, GateException, GateGrant, PersonReadiness, ReadinessFailure
from ..services.exceptions import gate_exception_check, gate_exception_create


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: the admin shows them and nobody edits or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonReadiness)
class PersonReadinessAdmin(ReadOnlyAdmin):
    list_display = ["person", "standard_version", "status", "criteria_met", "needs_reassessment", "expires_at"]
    list_filter = ["status", "criteria_met", "needs_reassessment", "standard"]
    search_fields = ["person__full_name", "person__email"]
    list_select_related = ["person", "standard_version__standard"]


@admin.register(ReadinessFailure)
class ReadinessFailureAdmin(ReadOnlyAdmin):
    """People whose readiness could not be recomputed: the rest of the batch was computed without them."""

    list_display = ["person", "failed_at", "attempts", "error"]
    list_filter = ["failed_at"]
    search_fields = ["person__full_name", "person__email", "error"]
    list_select_related = ["person"]


@admin.register(GateGrant)
class GateGrantAdmin(ReadOnlyAdmin):
    list_display = ["person", "gate", "granted_at", "expires_at", "removed_at", "removal_reason"]
    list_filter = [("gate", GateListFilter), ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["person__full_name", "person__email"]
    list_select_related = ["person", "gate__service"]


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(ReadOnlyAdmin):
    list_display = ["signoff", "sent_at"]
    list_filter = ["sent_at"]
    search_fields = ["signoff__person__full_name", "signoff__person__email"]
    list_select_related = ["signoff__person", "signoff__standard_version__standard"]


class GateExceptionForm(forms.ModelForm):
    approver = None  # set per request by GateExceptionAdmin.get_form: the logged-in admin approves

    class Meta:
        model = GateException
        fields = ["person", "gate", "reason", "requested_by", "starts_at", "ends_at"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            gate_exception_check(
                person=data["person"],
                reason=data["reason"],
                requested_by=data["requested_by"],
                approved_by=self.approver,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
            )
        return data


@admin.register(GateException)
class GateExceptionAdmin(admin.ModelAdmin):
    """Exceptions are created here by an approver (the logged-in admin); never changed or deleted."""

    form = GateExceptionForm
    list_display = ["person", "gate", "starts_at", "ends_at", "ended_early_at", "approved_by", "requested_by"]
    list_filter = [("gate", GateListFilter)]
    search_fields = ["person__full_name", "person__email", "reason"]
    list_select_related = ["person", "gate__service", "approved_by", "requested_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type("GateExceptionApprovalForm", (form,), {"approver": request.user})

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = gate_exception_create(
            person=obj.person,
            gate=obj.gate,
            reason=obj.reason,
            requested_by=obj.requested_by,
            approved_by=request.user,
            starts_at=obj.starts_at,
            ends_at=obj.ends_at,
        )
        obj.pk = created.pk
