"""Admin of equity audits: ask for one (it runs in a task), run one again, read the findings.

Findings are evidence written only by an audit run: the admin shows them and nobody types, edits or deletes one.
"""

from django.contrib import admin
from django.db.models import Count

from program.admin_mixins import EvidenceAdminMixin, ServiceRefusalAsFormErrorMixin, adopt_saved, apply_to_each

from .forms import EquityAuditAdminForm
from .models import EquityAudit, EquityFinding
from .services import audit_repeat, audit_request

FINDING_FIELDS = [
    "dimension",
    "group",
    "metric",
    "reviewer",
    "people",
    "n",
    "events",
    "value",
    "interval_low",
    "interval_high",
    "reference_group",
    "ratio",
    "ratio_low",
    "ratio_high",
    "test",
    "p_value",
    "p_adjusted",
    "table_p_value",
    "one_person_flips",
    "flag",
    "note",
]


class EquityFindingInline(EvidenceAdminMixin, admin.TabularInline):
    model = EquityFinding
    fields = ["dimension", "group", "metric", "reviewer", "value", "interval_low", "interval_high", "n", "ratio",
              "p_adjusted", "flag", "note"]  # fmt: skip
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(EquityAudit)
class EquityAuditAdmin(ServiceRefusalAsFormErrorMixin, admin.ModelAdmin):
    """New audits go through `audit_request` and run in a task; a stored run is read-only."""

    form = EquityAuditAdminForm
    list_display = ["__str__", "status", "trigger", "run_at", "requested_by", "finding_count"]
    list_select_related = ["requested_by", "role"]
    search_fields = ["dimensions", "role__name", "requested_by__username", "findings__group"]
    list_filter = ["status", "trigger", "role", "run_at", "findings__flag"]
    actions = ["run_again_action"]
    readonly_fields = ["status", "trigger", "parameters", "library_versions", "summary", "error", "run_at",
                       "requested_by"]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(finding_total=Count("findings"))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["role", "dimensions", "window_start", "window_end", "minimum_cell_size", "seed"]
        return ["role", "dimensions", "window_start", "window_end", *self.readonly_fields]

    def get_inlines(self, request, obj):
        return [EquityFindingInline] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        # The change page shows the run; nothing of a stored run is editable.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="findings", ordering="finding_total")
    def finding_count(self, audit):
        return audit.finding_total

    def save_model(self, request, obj, form, change):
        audit = audit_request(
            role=form.cleaned_data["role"],
            window_start=form.cleaned_data["window_start"],
            window_end=form.cleaned_data["window_end"],
            dimensions=form.cleaned_data["dimensions"],
            minimum_cell_size=form.cleaned_data["minimum_cell_size"],
            seed=form.cleaned_data["seed"],
            requested_by=request.user,
        )
        adopt_saved(obj, audit)

    @admin.action(description="Run again with the same parameters (a new run)", permissions=["add"])
    def run_again_action(self, request, queryset):
        apply_to_each(
            self, request, queryset, lambda audit: f"Asked for {audit_repeat(audit=audit, requested_by=request.user)}."
        )


@admin.register(EquityFinding)
class EquityFindingAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = ["group", "metric", "dimension", "value", "interval_low", "interval_high", "n", "ratio",
                    "p_adjusted", "flag", "audit"]  # fmt: skip
    list_select_related = ["audit", "audit__role"]
    search_fields = ["group", "dimension", "reviewer__full_name"]
    list_filter = ["metric", "flag", "one_person_flips"]
    fields = ["audit", *FINDING_FIELDS]
    readonly_fields = fields
