"""Publishing a standard version: the one path the admin, the API and the pages take."""

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from program.models import Person
from roles.models import StandardVersion
from roles.services import standard_version_publish

from .readiness import readiness_recompute_queue


@transaction.atomic
def standard_version_release(*, version: StandardVersion, by: User | None = None) -> StandardVersion:
    """Publish a draft and recompute the readiness of the people it concerns (its role, and anyone signed off
    on an earlier version of its standard). Use this, not `roles.services.standard_version_publish`, from pages."""
    version = standard_version_publish(version=version, by=by)
    person_ids = Person.objects.filter(
        Q(role_id=version.standard.role_id) | Q(signoffs__standard_version__standard_id=version.standard_id)
    ).values_list("pk", flat=True)
    readiness_recompute_queue(person_ids)
    return version
