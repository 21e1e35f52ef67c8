"""Admin of service levels: SLO targets (with the budget left shown), Prometheus sources (write-only secret,
"pull now"), samples and rejected samples (read-only), the CSV upload, and the events calendar."""

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..crypto import secret_encrypt
from ..tasks import prometheus_source_pull
from .models import MetricSample, OperationalEvent, PrometheusSource, RejectedMetricSample, ServiceLevelObjective
from .selectors import slo_status
from .services import metrics_csv_import

# Enough to fix a file at once; the rest are in "Rejected metric samples".
ERRORS_SHOWN = 20
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the ways in (pull, CSV, push): the admin reads them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MetricsCsvForm(forms.Form):
    file = forms.FileField(help_text="CSV with the columns time,service,region,metric,value (see docs/operations.md).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"At most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB per file: split it.")
        return upload


@admin.register(MetricSample)
class MetricSampleAdmin(ReadOnlyAdmin):
    list_display = ["service", "region", "metric", "at", "value", "step_seconds", "origin"]
    list_select_related = ["service", "region"]
    list_filter = ["metric", "origin", "service", "region"]
    search_fields = ["service__slug", "service__name"]
    date_hierarchy = "at"
    show_full_result_count = False  # counting millions of samples on every page is slow and tells little

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_csv), name="program_metricsample_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {"import_url": reverse("admin:program_metricsample_import")}
        return super().changelist_view(request, extra_context)

    def import_csv(self, request):
        """Upload a metrics CSV: imported whole, or refused with the reasons by line."""
        if not request.user.has_perm("program.add_metricsample"):
            raise PermissionDenied
        form = MetricsCsvForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            text_stream = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
            result = metrics_csv_import(text_stream=text_stream, batch=upload.name)
            if result.ok:
                self.message_user(request, f"{upload.name}: {result.imported} samples imported.", messages.SUCCESS)
                return redirect("admin:program_metricsample_changelist")
            for line, reason in result.errors[:ERRORS_SHOWN]:
                form.add_error(None, f"line {line}: {reason}")
            if len(result.errors) > ERRORS_SHOWN:
                form.add_error(None, f"… and {len(result.errors) - ERRORS_SHOWN} more (see Rejected metric samples).")
            self.message_user(request, f"{upload.name}: nothing imported.", messages.ERROR)
        context = self.admin_site.each_context(request) | {
            "title": "Import metric samples (CSV)",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/program/metricsample/import.html", context)


@admin.register(RejectedMetricSample)
class RejectedMetricSampleAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "origin", "batch", "line", "reason"]
    list_filter = ["origin", "source"]
    search_fields = ["batch", "reason", "raw"]
    readonly_fields = ["origin", "source", "batch", "line", "raw", "reason", "received_at"]


@admin.register(ServiceLevelObjective)
class ServiceLevelObjectiveAdmin(admin.ModelAdmin):
    list_display = [
        "service",
        "availability_target",
        "window_days",
        "latency_p95_target_ms",
        "payment_error_rate_target",
    ]
    list_select_related = ["service"]
    list_filter = ["window_days", "service__team"]
    search_fields = ["service__slug", "service__name"]
    autocomplete_fields = ["service"]
    readonly_fields = ["status_now"]

    @admin.display(description="Now")
    def status_now(self, obj):
        if obj.pk is None:
            return "—"
        status = slo_status(objective=obj)
        availability = status.availability
        if availability.budget_left is None:
            return "No availability samples in the window."
        alerts = ", ".join(status.firing) or "none firing"
        latency = status.latency_within_target
        latency_text = "no p95 samples" if latency is None else f"{latency:.1%} of p95 samples within target"
        return (
            f"availability {1 - availability.error_ratio:.4%}; error budget {availability.error_budget:.4%}, "
            f"{availability.budget_left:.0%} left; burn-rate alerts: {alerts}; {latency_text}"
        )


class PrometheusSourceForm(forms.ModelForm):
    secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Password (basic) or token (bearer). Stored encrypted and never shown back; empty keeps it.",
    )

    class Meta:
        model = PrometheusSource
        fields = [
            "name",
            "base_url",
            "auth",
            "username",
            "secret",
            "availability_query",
            "latency_p95_query",
            "payment_error_rate_query",
            "service_label",
            "region_label",
            "step_seconds",
            "backfill_days",
            "reread_seconds",
            "interval_minutes",
            "timeout_seconds",
            "active",
        ]

    def clean(self):
        cleaned = super().clean()
        auth = cleaned.get("auth")
        if auth == "basic" and not cleaned.get("username"):
            self.add_error("username", "Basic auth needs a user name.")
        if auth in ("basic", "bearer") and not cleaned.get("secret") and not self.instance.secret_encrypted:
            self.add_error("secret", "This kind of auth needs a secret.")
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data["secret"]:
            self.instance.secret_encrypted = secret_encrypt(self.cleaned_data["secret"])
        return super().save(commit)


@admin.register(PrometheusSource)
class PrometheusSourceAdmin(admin.ModelAdmin):
    form = PrometheusSourceForm
    list_display = ["name", "base_url", "active", "step_seconds", "pulled_until", "last_pull_status", "last_pull_at"]
    list_filter = ["active", "last_pull_status"]
    search_fields = ["name", "base_url"]
    readonly_fields = ["pulled_until", "last_pull_at", "last_pull_status", "last_pull_message"]
    actions = ["pull_now"]

    @admin.action(description="Pull now")
    def pull_now(self, request, queryset):
        for source_id in queryset.values_list("pk", flat=True):
            prometheus_source_pull.delay(source_id)
        self.message_user(request, f"Queued a pull of {queryset.count()} source(s); see their last pull.")


@admin.register(OperationalEvent)
class OperationalEventAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_at", "ends_at", "region", "required_share"]
    list_select_related = ["region"]
    list_filter = ["region", "services"]
    search_fields = ["name"]
    filter_horizontal = ["services"]
    date_hierarchy = "starts_at"
