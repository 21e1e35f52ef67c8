"""The criterion admin of roles, with the scenarios a criterion requires.

The relation is declared by `assessments.Scenario` (roles sits below assessments), so this app owns the inline and
registers the roles criterion admin extended with it; like the rest of a published version, it is frozen.
"""

from django.contrib import admin

from roles.admin import CriterionAdmin, FrozenParentInlineMixin, save_formset_through
from roles.models import Criterion

from ..models import Scenario
from ..services.scenarios import criterion_required_scenario_delete, criterion_required_scenario_save


class RequiredScenarioInline(FrozenParentInlineMixin, admin.TabularInline):
    """Scenarios a criterion requires a passing attempt of (besides evidence on its skill)."""

    model = Scenario.required_by_criteria.through
    fk_name = "criterion"
    fields = ["scenario"]
    autocomplete_fields = ["scenario"]
    extra = 0
    verbose_name = "required scenario"
    verbose_name_plural = "required scenarios"

    def parent_version(self, parent):
        return parent.version


admin.site.unregister(Criterion)


@admin.register(Criterion)
class CriterionWithScenariosAdmin(CriterionAdmin):
    inlines = [*CriterionAdmin.inlines, RequiredScenarioInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not RequiredScenarioInline.model:
            return super().save_formset(request, form, formset, change)
        save_formset_through(
            formset,
            save=lambda link: criterion_required_scenario_save(link=link),
            delete=lambda link: criterion_required_scenario_delete(link=link),
        )
