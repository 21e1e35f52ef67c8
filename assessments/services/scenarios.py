"""The scenarios a criterion requires: changed on drafts only, like the rest of a standard version."""

from django.db import transaction

from roles.services import ensure_version_editable

from ..models import Scenario

RequiredScenario = Scenario.required_by_criteria.through


@transaction.atomic
def criterion_required_scenario_save(*, link: RequiredScenario) -> RequiredScenario:
    """Require a passing attempt of one scenario for a criterion of a draft version."""
    ensure_version_editable(link.criterion.version)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def criterion_required_scenario_delete(*, link: RequiredScenario) -> None:
    """Stop requiring a scenario for a criterion of a draft version."""
    ensure_version_editable(link.criterion.version)
    link.delete()
