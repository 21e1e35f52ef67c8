"""Writes to roles and standards: publishing freezes a version; a new draft copies the latest one."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from program.choices import AuditAction
from program.models import Role
from program.services import audit_record, task_queue_by_name

from .choices import VersionStatus
from .models import Criterion, Gate, LevelDescriptor, ReadinessStandard, StandardVersion

# Readiness and gate grants live above roles (in assessments), which registers this task: a change here that moves
# readiness queues it by name. Arguments: the standard's id, and whether its role's people are concerned too.
READINESS_RECOMPUTE_FOR_STANDARD = "assessments.readiness_recompute_for_standard"


@transaction.atomic
def standard_create(*, role: Role, name: str, **attributes) -> ReadinessStandard:
    """Create a role's standard with an empty draft v1 to fill in."""
    standard = ReadinessStandard(role=role, name=name, **attributes)
    standard.full_clean()
    standard.save()
    StandardVersion.objects.create(standard=standard, number=1, status=VersionStatus.DRAFT)
    return standard


@transaction.atomic
def standard_version_publish(
    *,
    version: StandardVersion,
    by: User | None = None,
    published_at: datetime.datetime | None = None,
    queue_recompute: bool = True,
) -> StandardVersion:
    """Publish a draft: from now on it is frozen for good (read-only everywhere). The one publish path of the
    admin, the API and the pages.

    After commit, the readiness and gate grants of the people it concerns (its role, and anyone signed off on an
    earlier version of its standard) are recomputed. `published_at` defaults to now; loading past history (the demo
    org, an import) passes the real time and `queue_recompute=False`, and recomputes once at the end.
    """
    version = StandardVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    if version.is_published:
        raise ValidationError(f"{version} is already published; publish a new draft instead.")
    if not version.criteria.exists():
        raise ValidationError(f"{version} has no criteria; add at least one before publishing.")
    version.status = VersionStatus.PUBLISHED
    version.published_at = published_at or timezone.now()
    version.published_by = by
    version.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        action=AuditAction.PUBLISHED,
        object_type="standard-version",
        object_id=version.pk,
        summary=f"Published {version}",
        actor=by,
        evidence={"criteria": list(version.criteria.values_list("key", flat=True))},
    )
    if queue_recompute:
        task_queue_by_name(READINESS_RECOMPUTE_FOR_STANDARD, version.standard_id, True)
    return version


@transaction.atomic
def gate_save(*, gate: Gate, queue_recompute: bool = True) -> Gate:
    """Create or change a gate (the one gate-save path); the people signed off on its standard are recomputed after
    commit, so their grants follow at once (the demo loader passes `queue_recompute=False` and recomputes once)."""
    gate.full_clean()
    gate.save()
    if queue_recompute:
        task_queue_by_name(READINESS_RECOMPUTE_FOR_STANDARD, gate.required_standard_id, False)
    return gate


@transaction.atomic
def standard_version_new_draft(*, standard: ReadinessStandard, change_note: str = "") -> StandardVersion:
    """Start the next draft as a copy of the latest version: criteria, level descriptors, required scenarios."""
    standard = ReadinessStandard.objects.select_for_update(of=("self",)).get(pk=standard.pk)
    if standard.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationError(f"{standard} already has a draft; edit or publish it first.")
    latest = standard.versions.order_by("-number").first()
    next_number = (standard.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    draft = StandardVersion.objects.create(
        standard=standard, number=next_number, status=VersionStatus.DRAFT, change_note=change_note
    )
    if latest is None:
        return draft
    for criterion in latest.criteria.prefetch_related("levels", "required_scenarios"):
        levels = list(criterion.levels.all())
        scenarios = list(criterion.required_scenarios.all())
        criterion.pk = None
        criterion._state.adding = True
        criterion.version = draft
        criterion.save()
        LevelDescriptor.objects.bulk_create(
            LevelDescriptor(
                criterion=criterion,
                level=level.level,
                descriptor=level.descriptor,
                example_of_good=level.example_of_good,
            )
            for level in levels
        )
        criterion.required_scenarios.set(scenarios)
    return draft


def ensure_version_editable(version: StandardVersion) -> None:
    """Refuse any change to a published version's content."""
    if version.pk and StandardVersion.objects.filter(pk=version.pk, status=VersionStatus.PUBLISHED).exists():
        raise ValidationError(f"{version} is published and frozen; start a new draft to change it.")


@transaction.atomic
def criterion_save(*, criterion: Criterion) -> Criterion:
    """Create or change a criterion of a draft version."""
    ensure_version_editable(criterion.version)
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def standard_version_update(*, version: StandardVersion, change_note: str) -> StandardVersion:
    """Change a draft version's change note (its criteria change through `criterion_save`)."""
    ensure_version_editable(version)
    version.change_note = change_note
    version.full_clean()
    version.save(update_fields=["change_note"])
    return version


@transaction.atomic
def criterion_delete(*, criterion: Criterion) -> None:
    """Remove a criterion (and its level descriptors) from a draft version."""
    ensure_version_editable(criterion.version)
    criterion.delete()


@transaction.atomic
def level_descriptor_save(*, level: LevelDescriptor) -> LevelDescriptor:
    """Create or change what a criterion of a draft version looks like at one level."""
    ensure_version_editable(level.criterion.version)
    level.full_clean()
    level.save()
    return level


@transaction.atomic
def level_descriptor_delete(*, level: LevelDescriptor) -> None:
    """Remove a level descriptor from a criterion of a draft version."""
    ensure_version_editable(level.criterion.version)
    level.delete()


# Fields of a criterion that change what passes: a change to one of them means re-assessing that criterion.
MATERIAL_CRITERION_FIELDS = ("skill_id", "required_level", "minimum_score", "evidence_validity_days")


@dataclass(frozen=True)
class CriterionChange:
    key: str
    title: str
    changes: dict[str, tuple[str, str]]
    material: bool


@dataclass(frozen=True)
class VersionDiff:
    """Criteria added, removed and changed from one version to another, compared by their stable key."""

    added: list[Criterion]
    removed: list[Criterion]
    changed: list[CriterionChange]

    @property
    def reassess_keys(self) -> list[str]:
        """Criteria a person signed off on the old version must re-assess: the added and the materially changed."""
        return sorted([criterion.key for criterion in self.added] + [c.key for c in self.changed if c.material])


def standard_version_diff(*, old: StandardVersion, new: StandardVersion) -> VersionDiff:
    """Compare two versions of a standard criterion by criterion (two queries, whatever their size)."""
    if old.standard_id != new.standard_id:
        raise ValidationError(f"{old} and {new} belong to different standards.")
    criteria = list(
        Criterion.objects.filter(version__in=[old, new]).select_related("skill").prefetch_related("required_scenarios")
    )
    return criteria_diff(
        old_criteria=[c for c in criteria if c.version_id == old.pk],
        new_criteria=[c for c in criteria if c.version_id == new.pk],
    )


def criteria_diff(*, old_criteria: list[Criterion], new_criteria: list[Criterion]) -> VersionDiff:
    """The diff of two lists of criteria (skill and required scenarios prefetched: no queries)."""
    before = {c.key: c for c in old_criteria}
    after = {c.key: c for c in new_criteria}
    changed = []
    for key in sorted(before.keys() & after.keys()):
        was, now = before[key], after[key]
        changes = {}
        for name, label in (
            ("skill_id", "skill"),
            ("required_level", "required level"),
            ("minimum_score", "minimum score"),
            ("evidence_validity_days", "evidence validity (days)"),
            ("weight", "weight"),
            ("title", "title"),
        ):
            if getattr(was, name) != getattr(now, name):
                shown = "skill" if name == "skill_id" else name
                changes[label] = (str(getattr(was, shown)), str(getattr(now, shown)))
        was_scenarios = {s.pk: s.title for s in was.required_scenarios.all()}
        now_scenarios = {s.pk: s.title for s in now.required_scenarios.all()}
        if was_scenarios.keys() != now_scenarios.keys():
            changes["required scenarios"] = (
                ", ".join(sorted(was_scenarios.values())) or "none",
                ", ".join(sorted(now_scenarios.values())) or "none",
            )
        if changes:
            material = was_scenarios.keys() != now_scenarios.keys() or any(
                getattr(was, name) != getattr(now, name) for name in MATERIAL_CRITERION_FIELDS
            )
            changed.append(CriterionChange(key=key, title=now.title, changes=changes, material=material))
    return VersionDiff(
        added=[after[key] for key in sorted(after.keys() - before.keys())],
        removed=[before[key] for key in sorted(before.keys() - after.keys())],
        changed=changed,
    )
