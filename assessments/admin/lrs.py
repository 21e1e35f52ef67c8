"""Admin of LRS evidence: connections (write-only secret, "sync now"), runs, statements, the identity review
queue and the quarantine (re-process)."""

import json

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.html import format_html

from program.admin_mixins import EvidenceAdminMixin
from program.crypto import secret_encrypt

from ..choices import StatementStatus, SyncTrigger
from ..lrs.quarantine import quarantine_reprocess
from ..lrs.review import identity_map
from ..lrs.sync import connections_sync_queue, sync_blocked_reason
from ..models import ActorIdentity, LRSConnection, LRSSyncRun, QuarantinedStatement, Statement


class LRSConnectionForm(forms.ModelForm):
    secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Stored encrypted and never shown back. Leave empty to keep the current secret.",
    )

    class Meta:
        model = LRSConnection
        fields = [
            "name",
            "endpoint",
            "key",
            "secret",
            "page_size",
            "sync_interval_minutes",
            "mapping_profile",
            "since_mode",
            "overlap_seconds",
            "enabled",
            "cursor_stored",
        ]

    def clean_secret(self):
        secret = self.cleaned_data["secret"]
        if not secret and not self.instance.secret_encrypted:
            raise forms.ValidationError("A new connection needs its secret.")
        return secret

    def save(self, commit=True):
        if self.cleaned_data["secret"]:
            self.instance.secret_encrypted = secret_encrypt(self.cleaned_data["secret"])
        return super().save(commit)


@admin.register(LRSConnection)
class LRSConnectionAdmin(admin.ModelAdmin):
    form = LRSConnectionForm
    list_display = ["name", "endpoint", "enabled", "sync_interval_minutes", "cursor_stored", "last_sync_started_at"]
    list_filter = ["enabled"]
    search_fields = ["name", "endpoint"]
    actions = ["sync_now"]
    readonly_fields = ["sync_state"]

    @admin.display(description="Sync state")
    def sync_state(self, obj):
        """Whether a sync holds the connection now, and how the last run ended (its error says what to change)."""
        if obj.pk is None:
            return "-"
        running = sync_blocked_reason(obj)
        last = obj.sync_runs.order_by("-started_at", "-id").first()
        last_text = (
            f"Last run: {last.get_status_display().lower()} at {last.started_at:%Y-%m-%d %H:%M}"
            + (f": {last.error}" if last.error else "")
            if last
            else "Never synced."
        )
        return format_html("{}<br>{}", running.capitalize() if running else "No sync running.", last_text)

    @admin.action(description="Sync now")
    def sync_now(self, request, queryset):
        queued = []
        for connection in queryset:
            if reason := sync_blocked_reason(connection):
                self.message_user(request, f"Not queued: {reason}.", messages.WARNING)
            else:
                queued.append(connection.pk)
        if queued:
            connections_sync_queue(connection_ids=queued, trigger=SyncTrigger.ADMIN)
            self.message_user(request, f"Queued a sync of {len(queued)} connection(s); see LRS sync runs.")


@admin.register(LRSSyncRun)
class LRSSyncRunAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = [
        "started_at",
        "connection",
        "kind",
        "trigger",
        "status",
        "finished_at",
        "pages",
        "fetched",
        "new",
        "skipped",
        "quarantined",
        "attempts_created",
        "voided",
        "error",
    ]
    list_filter = ["status", "kind", "connection"]
    list_select_related = ["connection"]
    search_fields = ["connection__name", "source", "error"]


@admin.register(Statement)
class StatementAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = ["statement_id", "status", "verb_iri", "activity_iri", "identity", "timestamp", "stored"]
    list_filter = ["status", "connection"]
    list_select_related = ["identity"]
    search_fields = ["=statement_id", "activity_iri", "identity__key"]
    show_full_result_count = False  # the table grows large; skip the COUNT(*)
    exclude = ["raw"]
    readonly_fields = ["raw_pretty"]

    @admin.display(description="raw statement")
    def raw_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(json.loads(obj.raw), indent=2, ensure_ascii=False))


class MappedFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "mapped"

    def lookups(self, request, model_admin):
        return [("no", "Waiting for a person"), ("yes", "Mapped")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(person__isnull=self.value() == "no")
        return queryset


@admin.register(ActorIdentity)
class ActorIdentityAdmin(admin.ModelAdmin):
    """The review queue: an unknown actor's statements wait here until its identity is mapped to a person."""

    list_display = ["key", "kind", "display_name", "person", "waiting_statements", "first_seen_at"]
    list_filter = [MappedFilter, "kind"]
    search_fields = ["key", "display_name"]
    raw_id_fields = ["person"]
    fields = ["kind", "key", "display_name", "person", "first_seen_at", "mapped_at"]
    readonly_fields = ["kind", "key", "display_name", "first_seen_at", "mapped_at"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("person")
            .annotate(waiting=Count("statements", filter=Q(statements__status=StatementStatus.AWAITING_IDENTITY)))
        )

    @admin.display(description="waiting statements", ordering="waiting")
    def waiting_statements(self, obj):
        return obj.waiting

    def save_model(self, request, obj, form, change):
        if "person" in form.changed_data and obj.person is not None:
            processed = identity_map(identity=obj, person=obj.person, actor=request.user)
            self.message_user(request, f"Mapped to {obj.person}; processed {processed} waiting statement(s).")
        else:
            super().save_model(request, obj, form, change)


class PendingFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", "Waiting for a fix"), ("no", "Re-processed")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(reprocessed_at__isnull=self.value() == "yes")
        return queryset


@admin.register(QuarantinedStatement)
class QuarantinedStatementAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = ["statement_id", "reason", "connection", "run", "received_at", "reprocessed_at"]
    list_filter = [PendingFilter, "connection"]
    list_select_related = ["connection", "run__connection"]
    search_fields = ["=statement_id", "reason"]
    actions = ["reprocess"]

    @admin.action(description="Re-process (after fixing the mapping)")
    def reprocess(self, request, queryset):
        accepted, rejected = quarantine_reprocess(
            quarantined=list(queryset.select_related("connection")), actor=request.user
        )
        level = messages.SUCCESS if not rejected else messages.WARNING
        self.message_user(request, f"{accepted} accepted; {rejected} still rejected (see their reason).", level)
