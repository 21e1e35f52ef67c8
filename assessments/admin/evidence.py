"""Admin of scenarios, attempts and sign-offs.

Attempts and sign-offs are evidence and decisions: they are recorded through `assessments.services` and never
edited or deleted here (an attempt that should not count is voided; sign-off revocation has its own flow).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime

from program.admin_mixins import EvidenceAdminMixin, ServiceRefusalAsFormErrorMixin, adopt_saved
from roles.choices import VersionStatus
from roles.models import StandardVersion

from ..constants import SIGNOFF_BACKDATE_MAX_DAYS
from ..models import Attempt, Scenario, SignOff
from ..services.attempts import attempt_record
from ..services.signoffs import signoff_create

# What an admin may record about an attempt besides who, what, when and the score (attempt_record takes them as is).
ATTEMPT_DETAILS = (
    "level_achieved",
    "reviewer",
    "key_steps_completed",
    "errors_made",
    "time_to_detect_seconds",
    "time_to_mitigate_seconds",
    "time_to_restore_seconds",
)


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "kind", "standard_version", "scoring_rule", "pass_mark", "active"]
    list_select_related = ["standard_version__standard"]
    search_fields = ["title", "key", "description", "xapi_activity_iri"]
    list_filter = ["kind", "scoring_rule", "active", "standard_version__standard"]
    autocomplete_fields = ["standard_version", "skills", "content_item"]
    prepopulated_fields = {"key": ["title"]}

    def get_deleted_objects(self, objs, request):
        # Deleting a scenario would silently drop it from the required scenarios of frozen, published criteria.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        frozen_references = (
            Scenario.objects.filter(pk__in=[obj.pk for obj in objs])
            .filter(required_by_criteria__version__status=VersionStatus.PUBLISHED)
            .distinct()
        )
        protected = [*protected, *(f"{scenario} (required by a published standard)" for scenario in frozen_references)]
        return deleted, model_count, perms_needed, protected


@admin.register(Attempt)
class AttemptAdmin(ServiceRefusalAsFormErrorMixin, EvidenceAdminMixin, admin.ModelAdmin):
    """Attempts entered here are recorded by `attempt_record`: numbered, pass decided by the pass mark, team kept."""

    added_through_service = True

    list_display = [
        "__str__",
        "person",
        "scenario",
        "attempt_number",
        "score",
        "passed",
        "level_achieved",
        "completed_at",
        "team",
        "evidence_source",
        "voided_at",
    ]
    list_select_related = ["person", "scenario", "team"]
    search_fields = ["person__full_name", "person__email", "scenario__title", "scenario__key", "source_statement_id"]
    list_filter = [
        "passed",
        "evidence_source",
        "scenario__kind",
        ("voided_at", admin.EmptyFieldListFilter),
        "completed_at",
        "team",
    ]
    autocomplete_fields = ["person", "scenario", "reviewer", "rubric_version", "team"]
    date_hierarchy = "completed_at"

    def get_fields(self, request, obj=None):
        recorded = ["person", "scenario", "rubric_version", "completed_at", "score", *ATTEMPT_DETAILS]
        if obj is None:
            return [*recorded, "evidence_source"]
        return [
            *recorded,
            "attempt_number",
            "passed",
            "team",
            "evidence_source",
            "source_statement_id",
            "voided_at",
            "recorded_at",
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if "rubric_version" in form_class.base_fields:
            form_class.base_fields["rubric_version"].required = False
            form_class.base_fields["rubric_version"].help_text = "Leave empty to use the scenario's standard version."
        return form_class

    def save_model(self, request, obj, form, change):
        attempt = attempt_record(
            person=obj.person,
            scenario=obj.scenario,
            score=obj.score,
            completed_at=obj.completed_at,
            rubric_version=obj.rubric_version if obj.rubric_version_id else None,
            evidence_source=obj.evidence_source,
            **{name: getattr(obj, name) for name in ATTEMPT_DETAILS},
        )
        adopt_saved(obj, attempt)


class SignOffRecordForm(forms.ModelForm):
    """A coach's decision recorded by an L&D admin: dated now, unless dated back with a reason (audited)."""

    backdated_to = forms.SplitDateTimeField(
        required=False,
        widget=AdminSplitDateTime,
        help_text=f"Only for a decision taken earlier (a paper form, an outage): at most {SIGNOFF_BACKDATE_MAX_DAYS} "
        "days back. Leave empty to date it now.",
    )
    backdate_reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Why it is recorded late (audited)."
    )

    class Meta:
        model = SignOff
        fields = ["person", "coach", "standard_version", "decision", "reflection_notes", "evidence_reviewed"]


@admin.register(SignOff)
class SignOffAdmin(ServiceRefusalAsFormErrorMixin, EvidenceAdminMixin, admin.ModelAdmin):
    """Sign-offs are made through `signoff_create` (the person's coach, a published version) and never deleted."""

    added_through_service = True

    list_display = [
        "__str__",
        "person",
        "coach",
        "standard_version",
        "decision",
        "signed_at",
        "expires_at",
        "revoked_at",
    ]
    list_select_related = ["person", "coach", "standard_version__standard"]
    search_fields = ["person__full_name", "person__email", "coach__full_name", "reflection_notes"]
    list_filter = [
        "decision",
        ("revoked_at", admin.EmptyFieldListFilter),
        "standard_version__standard",
        "signed_at",
        "expires_at",
    ]
    autocomplete_fields = ["person", "coach", "evidence_reviewed"]
    date_hierarchy = "signed_at"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SignOffRecordForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        decided = ["person", "coach", "standard_version", "decision", "reflection_notes"]
        if obj is None:
            return [*decided, "evidence_reviewed", "backdated_to", "backdate_reason"]
        return [*decided, "signed_at", "evidence_reviewed", "expires_at", "revoked_at", "revoked_by", "revoke_reason"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "standard_version":
            kwargs["queryset"] = StandardVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
                "standard"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        signoff = signoff_create(
            coach=obj.coach,
            person=obj.person,
            standard_version=obj.standard_version,
            decision=obj.decision,
            recorded_by=request.user,  # the audit trail names who recorded it, not the coach it is recorded for
            reflection_notes=obj.reflection_notes,
            evidence=list(form.cleaned_data["evidence_reviewed"]),
            backdated_to=form.cleaned_data["backdated_to"],
            backdate_reason=form.cleaned_data["backdate_reason"],
        )
        adopt_saved(obj, signoff)

    def save_related(self, request, form, formsets, change):
        """The evidence reviewed was recorded by `signoff_create` with the sign-off."""
