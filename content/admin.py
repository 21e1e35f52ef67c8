"""Admin of content items, their immutable versions, refresh tickets, and the learning paths that sequence them.

An item's status follows its lifecycle: releasing a version publishes it, the retire action retires it. Versions
are numbered by `content_version_release` and never change once created.
"""

from django.contrib import admin, messages
from django.db.models import Count, Max

from program.admin_mixins import EvidenceAdminMixin, ServiceRefusalAsFormErrorMixin, adopt_saved, apply_to_each

from .choices import ContentStatus, MatchVerdict
from .forms import ContentVersionReleaseForm, ReleaseVersionActionForm
from .models import ContentItem, ContentVersion, LearningPath, PathStep, RefreshTicket
from .selectors import content_items_needing_attention
from .services import (
    content_item_retire,
    content_version_release,
    refresh_ticket_open,
    refresh_ticket_review,
    refresh_ticket_update,
)


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Items without an owner, past their review date, or retired while a learning path still points at them."""

    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("no_owner", "No owner"),
            ("overdue", "Review overdue"),
            ("retired_in_path", "Retired, still in a path"),
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(pk__in=content_items_needing_attention(reason=self.value()).values("pk"))
        return queryset


class ContentVersionInline(EvidenceAdminMixin, admin.TabularInline):
    """Released versions, read-only; fill in an empty row to release the next version."""

    added_through_service = True  # ContentItemAdmin.save_formset releases each new row

    model = ContentVersion
    fields = ["number", "change_note", "link", "published_at"]
    readonly_fields = ["number", "published_at"]
    extra = 0


@admin.register(ContentItem)
class ContentItemAdmin(ServiceRefusalAsFormErrorMixin, admin.ModelAdmin):
    list_display = ["title", "key", "kind", "status", "owner", "review_by", "latest_version", "retired_at"]
    list_select_related = ["owner"]
    search_fields = ["title", "key", "summary", "xapi_activity_iri", "owner__full_name"]
    list_filter = [NeedsAttentionFilter, "kind", "status", "review_by", "skills"]
    autocomplete_fields = ["owner", "skills", "replaced_by"]
    readonly_fields = ["status", "retired_at"]
    prepopulated_fields = {"key": ["title"]}
    inlines = [ContentVersionInline]
    action_form = ReleaseVersionActionForm
    actions = ["release_version_action", "retire_action"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(latest_number=Max("versions__number"))

    @admin.display(description="latest version", ordering="latest_number")
    def latest_version(self, item):
        return f"v{item.latest_number}" if item.latest_number else "–"

    def save_formset(self, request, form, formset, change):
        # Existing versions are read-only, so the formset only ever carries new ones: each becomes a release.
        for version in formset.save(commit=False):
            content_version_release(
                item=form.instance, change_note=version.change_note, link=version.link, actor=request.user
            )

    @admin.action(description="Release a new version (write the change note above)", permissions=["change"])
    def release_version_action(self, request, queryset):
        change_note = request.POST.get("change_note", "").strip()
        if not change_note:
            self.message_user(request, "Write a change note to release a new version.", messages.ERROR)
            return
        link = request.POST.get("link", "").strip()

        def release(item):
            return content_version_release(item=item, change_note=change_note, link=link, actor=request.user)

        apply_to_each(
            self,
            request,
            queryset,
            lambda item: f"Released {release(item)}.",
        )

    @admin.action(description="Retire (kept for history, no longer offered)", permissions=["change"])
    def retire_action(self, request, queryset):
        already_retired = queryset.filter(status=ContentStatus.RETIRED)
        for item in already_retired:
            self.message_user(request, f"{item} was already retired.", messages.WARNING)
        apply_to_each(
            self,
            request,
            queryset.exclude(status=ContentStatus.RETIRED),
            lambda item: f"Retired {content_item_retire(item=item, actor=request.user)}.",
        )


@admin.register(ContentVersion)
class ContentVersionAdmin(ServiceRefusalAsFormErrorMixin, EvidenceAdminMixin, admin.ModelAdmin):
    """Adding a version here releases it (next number, item published); released versions are read-only."""

    added_through_service = True

    list_display = ["__str__", "item", "number", "published_at", "trigger", "change_note", "link"]
    list_select_related = ["item"]
    search_fields = ["item__title", "item__key", "change_note"]
    list_filter = ["trigger", "item__kind", "published_at"]
    autocomplete_fields = ["item"]
    date_hierarchy = "published_at"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ContentVersionReleaseForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["item", "change_note", "link", "trigger", "refresh_tickets"]
        return ["item", "number", "change_note", "link", "published_at", "trigger", "trigger_incident"]

    def save_model(self, request, obj, form, change):
        version = content_version_release(
            item=obj.item,
            change_note=obj.change_note,
            link=obj.link,
            trigger=obj.trigger,
            refresh_tickets=form.cleaned_data.get("refresh_tickets") or (),
            actor=request.user,
        )
        adopt_saved(obj, version)


@admin.register(RefreshTicket)
class RefreshTicketAdmin(ServiceRefusalAsFormErrorMixin, admin.ModelAdmin):
    """New tickets open through `refresh_ticket_open` (the item's owner owns them unless someone is named); changes
    go through `refresh_ticket_update`, so closing one sets `closed_at` and every change is audited. Tickets opened
    by a post-incident note show their explanation, and owners confirm or dismiss them."""

    list_display = ["__str__", "kind", "item", "status", "verdict", "score", "owner", "due_on", "created_at"]
    list_select_related = ["item", "owner"]
    search_fields = ["reason", "source_reference", "item__title", "item__key", "owner__full_name"]
    list_filter = ["status", "kind", "verdict", "source", "due_on", "item__kind"]
    autocomplete_fields = ["item", "owner"]
    actions = ["confirm_action", "dismiss_action"]
    readonly_fields = ["incident", "score", "explanation", "verdict", "verdict_note", "verdict_at"]

    def get_fields(self, request, obj=None):
        fields = ["item", "reason", "source", "source_reference", "owner", "due_on"]
        if obj is None:
            return fields
        return [
            "kind",
            *fields,
            "status",
            "closed_at",
            *self.readonly_fields,
            "closed_by_version",
            "time_to_refresh",
        ]

    def get_readonly_fields(self, request, obj=None):
        # What a ticket is about stays as opened; the services stamp closed_at, the matcher and the verdict the rest.
        if obj is None:
            return []
        return [
            "item",
            "reason",
            "source",
            "source_reference",
            "closed_at",
            *self.readonly_fields,
            "kind",
            "closed_by_version",
            "time_to_refresh",
        ]

    def has_delete_permission(self, request, obj=None):
        return False  # a ticket is closed (won't do), not deleted, so its history stays

    def save_model(self, request, obj, form, change):
        if change:
            ticket = refresh_ticket_update(
                ticket=obj, actor=request.user, status=obj.status, owner=obj.owner, due_on=obj.due_on
            )
            adopt_saved(obj, ticket)
            return
        ticket = refresh_ticket_open(
            item=obj.item,
            reason=obj.reason,
            source=obj.source,
            source_reference=obj.source_reference,
            owner=obj.owner,
            due_on=obj.due_on,
        )
        adopt_saved(obj, ticket)

    @admin.action(description="Confirm: the item needs this refresh", permissions=["change"])
    def confirm_action(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda ticket: (
                f"Confirmed {refresh_ticket_review(ticket=ticket, verdict=MatchVerdict.CONFIRMED, by=request.user)}."
            ),
        )

    @admin.action(description="Dismiss: not relevant (never reopened for this incident)", permissions=["change"])
    def dismiss_action(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda ticket: (
                f"Dismissed {refresh_ticket_review(ticket=ticket, verdict=MatchVerdict.DISMISSED, by=request.user)}."
            ),
        )


class PathStepInline(admin.TabularInline):
    model = PathStep
    fields = ["position", "kind", "content_item", "skills", "required"]
    autocomplete_fields = ["content_item", "skills"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("content_item")


@admin.register(LearningPath)
class LearningPathAdmin(admin.ModelAdmin):
    list_display = ["title", "role", "step_count"]
    list_select_related = ["role"]
    search_fields = ["title", "description", "role__name"]
    list_filter = ["steps__kind", ("role", admin.RelatedOnlyFieldListFilter)]
    autocomplete_fields = ["role"]
    inlines = [PathStepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_total=Count("steps"))

    @admin.display(description="steps", ordering="step_total")
    def step_count(self, path):
        return path.step_total


@admin.register(PathStep)
class PathStepAdmin(admin.ModelAdmin):
    list_display = ["__str__", "path", "position", "kind", "content_item", "required"]
    list_select_related = ["path", "content_item"]
    search_fields = ["path__title", "content_item__title", "content_item__key"]
    list_filter = ["kind", "required", "path"]
    autocomplete_fields = ["path", "content_item", "skills"]
