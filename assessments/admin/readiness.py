"""Admin of computed readiness, gate grants and gate exceptions: read-only, except exceptions, requested (the
logged-in admin is the requester) and approved (by another login) through the services, each step audited."""

from django import forms
from django.contrib import admin

from program.admin_mixins import EvidenceAdminMixin, ServiceRefusalAsFormErrorMixin, adopt_saved, apply_to_each
from roles.admin import GateListFilter

from ..models import ExpiryReminder, GateException, GateGrant, PersonReadiness, ReadinessFailure
from ..services.exceptions import gate_exception_approve, gate_exception_request, gate_exception_request_check


@admin.register(PersonReadiness)
class PersonReadinessAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = ["person", "standard_version", "status", "criteria_met", "needs_reassessment", "expires_at"]
    list_filter = ["status", "criteria_met", "needs_reassessment", "standard"]
    search_fields = ["person__full_name", "person__email"]
    list_select_related = ["person", "standard_version__standard"]


@admin.register(ReadinessFailure)
class ReadinessFailureAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    """People whose readiness could not be recomputed: the rest of the batch was computed without them."""

    list_display = ["person", "failed_at", "attempts", "error"]
    list_filter = ["failed_at"]
    search_fields = ["person__full_name", "person__email", "error"]
    list_select_related = ["person"]


@admin.register(GateGrant)
class GateGrantAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = ["person", "gate", "granted_at", "expires_at", "removed_at", "removal_reason"]
    list_filter = [("gate", GateListFilter), ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["person__full_name", "person__email"]
    list_select_related = ["person", "gate__service"]


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = ["signoff", "sent_at"]
    list_filter = ["sent_at"]
    search_fields = ["signoff__person__full_name", "signoff__person__email"]
    list_select_related = ["signoff__person", "signoff__standard_version__standard"]


class GateExceptionRequestForm(forms.ModelForm):
    """A request: the logged-in admin is the requester; someone else approves it (the Approve action)."""

    class Meta:
        model = GateException
        fields = ["person", "gate", "reason", "starts_at", "ends_at"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            gate_exception_request_check(
                person=data["person"], reason=data["reason"], starts_at=data["starts_at"], ends_at=data["ends_at"]
            )
        return data


class ApprovalFilter(admin.SimpleListFilter):
    title = "approval"
    parameter_name = "approved"

    def lookups(self, request, model_admin):
        return [("no", "Waiting for approval"), ("yes", "Approved")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(approved_at__isnull=self.value() == "no")
        return queryset


@admin.register(GateException)
class GateExceptionAdmin(ServiceRefusalAsFormErrorMixin, EvidenceAdminMixin, admin.ModelAdmin):
    """Exceptions are requested here by the logged-in admin and approved (the Approve action) by another login
    who may approve for the person and is not the person; never changed or deleted."""

    form = GateExceptionRequestForm
    added_through_service = True
    list_display = [
        "person",
        "gate",
        "starts_at",
        "ends_at",
        "approved_at",
        "ended_early_at",
        "approved_by",
        "requested_by",
    ]
    list_filter = [ApprovalFilter, ("gate", GateListFilter)]
    search_fields = ["person__full_name", "person__email", "reason"]
    list_select_related = ["person", "gate__service", "approved_by", "requested_by"]
    actions = ["approve"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["person", "gate", "reason", "starts_at", "ends_at"]
        return [
            "person",
            "gate",
            "reason",
            "starts_at",
            "ends_at",
            "requested_by",
            "approved_by",
            "approved_at",
            "ended_early_at",
            "end_reason",
        ]

    def save_model(self, request, obj, form, change):
        requested = gate_exception_request(
            person=obj.person,
            gate=obj.gate,
            reason=obj.reason,
            requested_by=request.user,
            starts_at=obj.starts_at,
            ends_at=obj.ends_at,
        )
        adopt_saved(obj, requested)

    @admin.action(description="Approve (you are the second pair of eyes)")
    def approve(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset.select_related("person", "gate"),
            lambda exception: f"Approved {gate_exception_approve(exception=exception, approved_by=request.user)}.",
        )
