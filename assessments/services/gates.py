"""Saving a gate: the grants of the people it concerns follow at once."""

from django.db import transaction

from roles.models import Gate

from ..models import SignOff
from .readiness import readiness_recompute_queue


@transaction.atomic
def gate_save(*, gate: Gate) -> Gate:
    """Create or change a gate, then recompute the people signed off on its standard so grants follow at once."""
    gate.full_clean()
    gate.save()
    readiness_recompute_queue(
        SignOff.objects.filter(standard_version__standard_id=gate.required_standard_id).values_list(
            "person_id", flat=True
        )
    )
    return gate
