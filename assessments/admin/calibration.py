"""Admin of reviewer calibration: open a round, enter the panel's scores, analyse it, read the results.

Rounds open and close through `assessments.services.calibration`; an analysed round and its results are
read-only. Spot checks are picked by the daily task; the second reviewer's level is entered blind (the first
reviewer's score is not on the page).
"""

from django.contrib import admin

from program.admin_mixins import EvidenceAdminMixin, ServiceRefusalAsFormErrorMixin, adopt_saved, apply_to_each

from ..models import CalibrationRound, CalibrationScore, ReviewerCalibration, SpotCheck
from ..services.calibration import (
    calibration_round_analyse,
    calibration_round_open,
    calibration_score_record,
    spot_check_score,
)


class CalibrationScoreInline(admin.TabularInline):
    model = CalibrationScore
    fields = ["attempt", "reviewer", "level"]
    autocomplete_fields = ["attempt", "reviewer"]
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.is_open

    has_add_permission = has_delete_permission = has_change_permission


class ReviewerCalibrationInline(admin.TabularInline):
    model = ReviewerCalibration
    fields = ["reviewer", "scored", "mean_deviation", "alpha_without", "flagged", "passed"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalibrationRound)
class CalibrationRoundAdmin(ServiceRefusalAsFormErrorMixin, admin.ModelAdmin):
    list_display = ["title", "scenario", "rubric_version", "opened_at", "analysed_at", "alpha", "verdict"]
    list_select_related = ["scenario", "rubric_version__standard"]
    list_filter = ["verdict", "analysed_at"]
    search_fields = ["title", "scenario__title"]
    autocomplete_fields = ["scenario", "attempts", "reviewers"]
    actions = ["analyse_action"]
    result_fields = ["rubric_version", "opened_at", "analysed_at", "alpha", "alpha_low", "alpha_high", "verdict",
                     "seed", "library_versions"]  # fmt: skip

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["scenario", "title", "attempts", "reviewers", "seed"]
        return ["scenario", "title", "attempts", "reviewers", *self.result_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return (
            self.result_fields if obj.is_open else ["scenario", "title", "attempts", "reviewers", *self.result_fields]
        )

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return [CalibrationScoreInline] if obj.is_open else [CalibrationScoreInline, ReviewerCalibrationInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        round_ = calibration_round_open(
            scenario=form.cleaned_data["scenario"],
            title=form.cleaned_data["title"],
            attempts=form.cleaned_data["attempts"],
            reviewers=form.cleaned_data["reviewers"],
            seed=form.cleaned_data["seed"],
            by=request.user,
        )
        adopt_saved(obj, round_)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
        else:  # the service set the attempts and reviewers (with the disagreements of spot checks)
            for formset in formsets:
                self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        # Scores go through the service (round open, attempt in the round, reviewer on the panel, level 1–4).
        for instance in formset.save(commit=False):
            calibration_score_record(
                round=form.instance, attempt=instance.attempt, reviewer=instance.reviewer, level=instance.level
            )
        for deleted in formset.deleted_objects:
            deleted.delete()

    @admin.action(description="Analyse (α, interval, drift) and close the round", permissions=["change"])
    def analyse_action(self, request, queryset):
        def analyse(round_):
            done = calibration_round_analyse(round=round_, by=request.user)
            alpha = "undefined" if done.alpha is None else f"{done.alpha:.3f}"
            return f"{done}: α {alpha} ({done.get_verdict_display()})."

        apply_to_each(self, request, queryset, analyse)


@admin.register(CalibrationScore)
class CalibrationScoreAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    """Scores are entered on their round's page while it is open; this list is for reading across rounds."""

    list_display = ["round", "attempt", "reviewer", "level", "scored_at"]
    list_select_related = ["round", "attempt__person", "attempt__scenario", "reviewer"]
    list_filter = ["level"]
    search_fields = ["reviewer__full_name", "round__title"]


@admin.register(ReviewerCalibration)
class ReviewerCalibrationAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = ["reviewer", "round", "scored", "mean_deviation", "alpha_without", "flagged", "passed"]
    list_select_related = ["reviewer", "round"]
    list_filter = ["passed", "flagged"]
    search_fields = ["reviewer__full_name", "round__title"]


@admin.register(SpotCheck)
class SpotCheckAdmin(ServiceRefusalAsFormErrorMixin, admin.ModelAdmin):
    """The second reviewer enters a level and pass/fail blind; the first score is not shown until it is in."""

    list_display = ["attempt", "second_reviewer", "selected_at", "scored_at", "disagrees", "listed_in"]
    list_select_related = ["attempt__scenario", "attempt__person", "second_reviewer", "listed_in"]
    list_filter = ["disagrees", "scored_at"]
    search_fields = ["second_reviewer__full_name", "attempt__person__full_name"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return ["attempt", "second_reviewer", "selected_at", "level", "passed", "scored_at", "disagrees", "listed_in"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["attempt", "second_reviewer", "selected_at", "scored_at", "disagrees", "listed_in"]
        return fixed if obj is not None and obj.scored_at is None else [*fixed, "level", "passed"]

    def save_model(self, request, obj, form, change):
        spot_check_score(spot_check=obj, level=form.cleaned_data.get("level"), passed=bool(form.cleaned_data["passed"]))
