"""Admin of equity audits and their findings (the statistics that fill them come with a later issue).

Findings are evidence written only by an audit run: the admin shows them and nobody types, edits or deletes one.
"""

from django.contrib import admin
from django.db.models import Count

from program.admin_mixins import EvidenceAdminMixin

from .forms import EquityAuditAdminForm
from .models import EquityAudit, EquityFinding


class EquityFindingInline(EvidenceAdminMixin, admin.TabularInline):
    model = EquityFinding
    fields = ["group", "metric", "value", "n", "flag"]
    readonly_fields = fields
    extra = 0


@admin.register(EquityAudit)
class EquityAuditAdmin(admin.ModelAdmin):
    form = EquityAuditAdminForm
    list_display = ["__str__", "window_start", "window_end", "run_at", "requested_by", "finding_count"]
    list_select_related = ["requested_by"]
    search_fields = ["dimensions", "requested_by__username", "findings__group"]
    list_filter = ["run_at", "window_end", "findings__flag"]
    readonly_fields = ["run_at", "requested_by"]
    inlines = [EquityFindingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(finding_total=Count("findings"))

    @admin.display(description="findings", ordering="finding_total")
    def finding_count(self, audit):
        return audit.finding_total

    def save_model(self, request, obj, form, change):
        if not change:
            obj.requested_by = request.user
        obj.save()


@admin.register(EquityFinding)
class EquityFindingAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "audit", "group", "metric", "value", "n", "flag"]
    list_select_related = ["audit"]
    search_fields = ["group"]
    list_filter = ["metric", "flag"]
    autocomplete_fields = ["audit"]
