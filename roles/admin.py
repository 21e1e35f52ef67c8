"""Admin of roles, skills, readiness standards and their versions, gates and learning paths.

A standard version is edited while it is a draft and frozen once published: its page, its criteria and their
level descriptors become read-only everywhere (here, inline, and in the criterion and level admins). Creating,
publishing and starting drafts go through `roles.services`.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from program.admin_mixins import ServiceRefusalAsFormErrorMixin, adopt_saved, apply_to_each
from program.models import Role

from .choices import VersionStatus
from .models import (
    Criterion,
    Gate,
    LevelDescriptor,
    ReadinessStandard,
    Skill,
    SkillTag,
    StandardVersion,
)
from .services import (
    criterion_delete,
    criterion_save,
    gate_save,
    level_descriptor_delete,
    level_descriptor_save,
    standard_create,
    standard_version_new_draft,
    standard_version_publish,
    standard_version_update,
)


class FrozenWhenPublishedMixin:
    """Rows of a published standard version can be viewed, never changed or deleted.

    The bulk delete action asks `has_delete_permission` about every row it would delete (cascades included), so
    deleting a draft never takes a published row with it and selecting a published row is refused.
    """

    def version_of(self, obj) -> StandardVersion:
        raise NotImplementedError

    def is_frozen(self, obj) -> bool:
        return obj is not None and obj.pk is not None and self.version_of(obj).is_published

    def has_change_permission(self, request, obj=None):
        return not self.is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.is_frozen(obj) and super().has_delete_permission(request, obj)


class FrozenParentInlineMixin:
    """Inline rows of a published version are shown read-only: nothing added, changed or deleted."""

    def parent_version(self, parent) -> StandardVersion:
        raise NotImplementedError

    def parent_frozen(self, parent) -> bool:
        return parent is not None and parent.pk is not None and self.parent_version(parent).is_published

    def has_add_permission(self, request, obj):
        return not self.parent_frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self.parent_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.parent_frozen(obj) and super().has_delete_permission(request, obj)


def save_formset_through(formset, save, delete) -> None:
    """Save an inline formset row by row through services instead of `formset.save()`."""
    instances = formset.save(commit=False)
    for obj in formset.deleted_objects:
        delete(obj)
    for obj in instances:
        save(obj)
    formset.save_m2m()


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "standard", "learning_path"]
    list_select_related = ["standard", "learning_path"]
    search_fields = ["name", "key", "description"]
    list_filter = [("standard", admin.EmptyFieldListFilter), ("learning_path", admin.EmptyFieldListFilter)]
    prepopulated_fields = {"key": ["name"]}


@admin.register(SkillTag)
class SkillTagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    list_filter = [("skills", admin.EmptyFieldListFilter)]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "parent", "tag_names"]
    list_select_related = ["parent"]
    search_fields = ["name", "key", "description", "tags__name"]
    list_filter = ["tags", ("parent", admin.RelatedOnlyFieldListFilter)]
    autocomplete_fields = ["parent", "tags"]
    prepopulated_fields = {"key": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="tags")
    def tag_names(self, skill):
        return ", ".join(tag.name for tag in skill.tags.all())


class HasDraftFilter(admin.SimpleListFilter):
    title = "draft in progress"
    parameter_name = "has_draft"

    def lookups(self, request, model_admin):
        return [("yes", "Has a draft"), ("no", "No draft")]

    def queryset(self, request, queryset):
        drafts = queryset.filter(versions__status=VersionStatus.DRAFT).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=drafts)
        if self.value() == "no":
            return queryset.exclude(pk__in=drafts)
        return queryset


class StandardVersionInline(admin.TabularInline):
    """The versions of a standard, listed; each opens on its own page (drafts are started with an action)."""

    model = StandardVersion
    fields = ["number", "status", "change_note", "created_at", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def start_new_draft(standard: ReadinessStandard) -> str:
    draft = standard_version_new_draft(standard=standard)
    copied = f" as a copy of v{draft.number - 1}" if draft.number > 1 else ""
    return f"Started draft {draft}{copied}."


@admin.register(ReadinessStandard)
class ReadinessStandardAdmin(ServiceRefusalAsFormErrorMixin, admin.ModelAdmin):
    """A new standard opens with an empty draft v1 (`standard_create`); versions are edited on their own pages."""

    list_display = ["name", "role", "signoff_validity_days", "grandfathering", "latest_version"]
    list_select_related = ["role"]
    search_fields = ["name", "role__name", "role__key"]
    list_filter = ["grandfathering", HasDraftFilter]
    autocomplete_fields = ["role"]
    inlines = [StandardVersionInline]
    actions = ["start_new_draft_action"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(latest_number=Max("versions__number"))

    def get_readonly_fields(self, request, obj=None):
        return ["role"] if obj is not None else []

    @admin.display(description="latest version", ordering="latest_number")
    def latest_version(self, standard):
        return f"v{standard.latest_number}" if standard.latest_number else "–"

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        standard = standard_create(
            role=obj.role,
            name=obj.name,
            signoff_validity_days=obj.signoff_validity_days,
            grandfathering=obj.grandfathering,
        )
        adopt_saved(obj, standard)

    @admin.action(description="Start a new draft (copy of the latest version)", permissions=["add"])
    def start_new_draft_action(self, request, queryset):
        apply_to_each(self, request, queryset, start_new_draft)


class CriterionInline(FrozenParentInlineMixin, admin.TabularInline):
    """A version's criteria; each links to its own page where its level descriptors are edited."""

    model = Criterion
    fields = [
        "position",
        "key",
        "title",
        "skill",
        "weight",
        "required_level",
        "minimum_score",
        "evidence_validity_days",
        "levels_defined",
    ]
    readonly_fields = ["levels_defined"]
    autocomplete_fields = ["skill"]
    extra = 0
    show_change_link = True

    def parent_version(self, parent):
        return parent

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("skill").prefetch_related("levels")

    @admin.display(description="levels described")
    def levels_defined(self, criterion):
        levels = [str(level.level) for level in criterion.levels.all()]
        return ", ".join(levels) or "none yet"


@admin.register(StandardVersion)
class StandardVersionAdmin(ServiceRefusalAsFormErrorMixin, FrozenWhenPublishedMixin, admin.ModelAdmin):
    """Drafts are created by `standard_version_new_draft` (next number, copy of the latest) and published by action."""

    list_display = ["__str__", "standard", "number", "status", "criteria_count", "published_at", "published_by"]
    list_select_related = ["standard", "published_by"]
    search_fields = ["standard__name", "standard__role__name", "change_note"]
    list_filter = ["status", "standard", "published_at"]
    autocomplete_fields = ["standard"]
    actions = ["publish_action", "new_draft_action"]

    def version_of(self, obj):
        return obj

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(criteria_total=Count("criteria"))

    @admin.display(description="criteria", ordering="criteria_total")
    def criteria_count(self, version):
        return version.criteria_total

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["standard", "change_note"]
        return ["standard", "number", "status", "change_note", "created_at", "published_at", "published_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["standard", "number", "status", "created_at", "published_at", "published_by"]

    def get_inlines(self, request, obj):
        # A new draft starts as a copy of the latest version; its criteria are edited once it exists.
        return [CriterionInline] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            standard_version_update(version=obj, change_note=obj.change_note)
            return
        draft = standard_version_new_draft(standard=obj.standard, change_note=obj.change_note)
        adopt_saved(obj, draft)

    def save_formset(self, request, form, formset, change):
        save_formset_through(
            formset,
            save=lambda criterion: criterion_save(criterion=criterion),
            delete=lambda criterion: criterion_delete(criterion=criterion),
        )

    def get_urls(self):
        lifecycle = self.admin_site.admin_view(require_POST(self.lifecycle_view))
        return [
            path("<int:object_id>/lifecycle/", lifecycle, name="roles_standardversion_lifecycle"),
            *super().get_urls(),
        ]

    def lifecycle_step(self, request, version) -> str | None:
        """The next step of a version's life this user may take from its page: publish it, or start a new draft."""
        if version.is_published:
            return "Start a new draft" if self.has_add_permission(request) else None
        return "Publish this version" if self.has_change_permission(request, version) else None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        step = self.lifecycle_step(request, version) if version is not None else None
        if step:
            url = reverse("admin:roles_standardversion_lifecycle", args=[version.pk])
            extra_context = {**(extra_context or {}), "lifecycle_action": {"url": url, "label": step}}
        return super().change_view(request, object_id, form_url, extra_context)

    def lifecycle_view(self, request, object_id):
        """The change page's button: publish this draft, or start the next draft from this published version."""
        version = get_object_or_404(StandardVersion, pk=object_id)
        if self.lifecycle_step(request, version) is None:
            raise PermissionDenied
        if version.is_published:
            self.new_draft_action(request, [version])
        else:
            self.publish_action(request, [version])
        # Land on the standard's draft when there is one (just started, or refused to publish), else on this version.
        landing = version.standard.versions.filter(status=VersionStatus.DRAFT).first() or version
        return HttpResponseRedirect(reverse("admin:roles_standardversion_change", args=[landing.pk]))

    @admin.action(description="Publish (freezes the version for good)", permissions=["change"])
    def publish_action(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset,
            lambda version: f"Published {standard_version_publish(version=version, by=request.user)}.",
        )

    @admin.action(description="Start a new draft of the standard (copy of its latest version)", permissions=["add"])
    def new_draft_action(self, request, queryset):
        apply_to_each(self, request, queryset, lambda version: start_new_draft(version.standard))


class LevelDescriptorInline(FrozenParentInlineMixin, admin.TabularInline):
    model = LevelDescriptor
    fields = ["level", "descriptor", "example_of_good"]
    extra = 0

    def parent_version(self, parent):
        return parent.version


@admin.register(Criterion)
class CriterionAdmin(ServiceRefusalAsFormErrorMixin, FrozenWhenPublishedMixin, admin.ModelAdmin):
    """A criterion of a draft version with its level descriptors; saved through `criterion_save`."""

    list_display = [
        "title",
        "key",
        "version",
        "skill",
        "weight",
        "required_level",
        "minimum_score",
        "evidence_validity_days",
        "position",
    ]
    list_select_related = ["version__standard", "skill"]
    search_fields = ["key", "title", "description", "skill__name", "version__standard__name"]
    list_filter = ["version__status", "version__standard", "required_level", "skill"]
    autocomplete_fields = ["skill"]
    # The required scenarios are declared by assessments (above roles), whose admin adds their inline to this one.
    inlines = [LevelDescriptorInline]

    def version_of(self, obj):
        return obj.version

    def get_readonly_fields(self, request, obj=None):
        return ["version"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            # Criteria are only ever added to drafts (there is at most one per standard).
            kwargs["queryset"] = StandardVersion.objects.filter(status=VersionStatus.DRAFT).select_related("standard")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        criterion_save(criterion=obj)

    def save_formset(self, request, form, formset, change):
        save_formset_through(
            formset,
            save=lambda level: level_descriptor_save(level=level),
            delete=lambda level: level_descriptor_delete(level=level),
        )


@admin.register(LevelDescriptor)
class LevelDescriptorAdmin(ServiceRefusalAsFormErrorMixin, FrozenWhenPublishedMixin, admin.ModelAdmin):
    list_display = ["criterion", "level", "standard_version", "descriptor"]
    list_select_related = ["criterion__version__standard"]
    search_fields = ["descriptor", "example_of_good", "criterion__title", "criterion__key"]
    list_filter = ["level", "criterion__version__status", "criterion__version__standard"]

    def version_of(self, obj):
        return obj.criterion.version

    @admin.display(description="standard version", ordering="criterion__version")
    def standard_version(self, level):
        return level.criterion.version

    def get_readonly_fields(self, request, obj=None):
        return ["criterion"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criterion":
            kwargs["queryset"] = Criterion.objects.filter(version__status=VersionStatus.DRAFT).select_related(
                "version__standard"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        level_descriptor_save(level=obj)


class GateListFilter(admin.RelatedFieldListFilter):
    """Filter by gate in one query: a gate's name includes its service's."""

    def field_choices(self, field, request, model_admin):
        return [(gate.pk, str(gate)) for gate in Gate.objects.select_related("service")]


@admin.register(Gate)
class GateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "service", "required_standard", "active"]
    list_select_related = ["service", "required_standard"]
    search_fields = ["service__name", "required_standard__name", "required_standard__role__name"]
    list_filter = ["kind", "active", "required_standard", ("service", admin.RelatedOnlyFieldListFilter)]
    autocomplete_fields = ["service", "required_standard"]

    def save_model(self, request, obj, form, change):
        gate_save(gate=obj)
