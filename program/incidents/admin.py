"""Admin of incidents, PagerDuty webhook subscriptions (write-only secrets), service mappings and deliveries."""

from django import forms
from django.contrib import admin
from django.urls import reverse

from program.admin_mixins import ServiceRefusalAsFormErrorMixin
from program.models import Incident, PagerDutyServiceMapping, PagerDutySubscription, ReceivedWebhook

from .services import incident_save, pagerduty_subscription_save


@admin.register(Incident)
class IncidentAdmin(ServiceRefusalAsFormErrorMixin, admin.ModelAdmin):
    """Saving a new or changed post-incident note queues the content refresh (tickets for the owners)."""

    list_display = ["title", "severity", "root_cause", "started_at", "restored_at", "minutes_to_restore", "source"]
    search_fields = ["title", "note", "external_id"]
    list_filter = ["severity", "root_cause", "source", "services", "started_at"]
    autocomplete_fields = ["services", "responders"]
    date_hierarchy = "started_at"
    readonly_fields = ["source", "external_id", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "services", "severity", "root_cause", "responders"]}),
        ("Timeline", {"fields": ["started_at", "detected_at", "acknowledged_at", "mitigated_at", "restored_at"]}),
        ("Post-incident note", {"fields": ["note"]}),
        ("Source", {"fields": ["source", "external_id", "created_at", "updated_at"]}),
    ]

    @admin.display(description="minutes to restore")
    def minutes_to_restore(self, incident):
        duration = incident.time_to_restore
        return round(duration.total_seconds() / 60) if duration else "–"

    def save_model(self, request, obj, form, change):
        previous_note = form.initial.get("note", "") if change else ""
        incident_save(incident=obj, previous_note=previous_note or "")


class PagerDutySubscriptionForm(forms.ModelForm):
    secrets = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "The subscription's signing secret(s), one per line: keep the old and the new one during a rotation. "
            "Stored encrypted and never shown back; leave empty to keep the current ones."
        ),
    )

    class Meta:
        model = PagerDutySubscription
        fields = ["name", "active"]

    def clean_secrets(self):
        secrets = [line.strip() for line in self.cleaned_data["secrets"].splitlines() if line.strip()]
        if not secrets and not self.instance.secrets_encrypted:
            raise forms.ValidationError("A new subscription needs its signing secret.")
        return secrets


@admin.register(PagerDutySubscription)
class PagerDutySubscriptionAdmin(admin.ModelAdmin):
    form = PagerDutySubscriptionForm
    list_display = ["name", "active", "endpoint", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]

    @admin.display(description="endpoint to give PagerDuty")
    def endpoint(self, subscription):
        return reverse("pagerduty-webhook", args=[subscription.pk]) if subscription.pk else "–"

    def save_model(self, request, obj, form, change):
        saved = pagerduty_subscription_save(
            subscription=obj if change else None,
            name=obj.name,
            active=obj.active,
            secrets=form.cleaned_data["secrets"] or None,
        )
        obj.pk, obj.secrets_encrypted = saved.pk, saved.secrets_encrypted


@admin.register(PagerDutyServiceMapping)
class PagerDutyServiceMappingAdmin(admin.ModelAdmin):
    list_display = ["pagerduty_service_name", "pagerduty_service_id", "service"]
    list_select_related = ["service"]
    search_fields = ["pagerduty_service_id", "pagerduty_service_name", "service__name"]
    list_filter = ["service"]
    autocomplete_fields = ["service"]


@admin.register(ReceivedWebhook)
class ReceivedWebhookAdmin(admin.ModelAdmin):
    """Deliveries as received, with what became of each (read-only)."""

    list_display = ["received_at", "webhook_id", "event_type", "status", "reason", "incident", "subscription"]
    list_select_related = ["incident", "subscription"]
    list_filter = ["status", "event_type", "subscription"]
    search_fields = ["webhook_id", "reason", "body"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
