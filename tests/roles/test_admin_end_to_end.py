"""An L&D admin sets up a role's whole program in the admin, with nothing but form posts (issue 2's "done when")."""

import pytest

from content.choices import ContentStatus
from content.models import ContentItem, LearningPath
from program.models import AuditEntry, Role
from roles.choices import VersionStatus
from roles.models import Criterion, ReadinessStandard, Skill, SkillTag, StandardVersion
from tests.admin_support import (
    admin_url,
    all_messages,
    inline_row,
    post_admin_form,
    run_action,
)

pytestmark = pytest.mark.django_db


def add(client, model, data: dict) -> None:
    response = post_admin_form(client, admin_url(model, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def change(client, obj, data: dict) -> None:
    response = post_admin_form(client, admin_url(type(obj), "change", obj.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def criterion_row(key: str, title: str, skill: Skill, position: int) -> dict:
    return {
        "position": str(position),
        "key": key,
        "title": title,
        "skill": skill.pk,
        "weight": "1.00",
        "required_level": "3",
        "minimum_score": "80.00",
        "evidence_validity_days": "365",
    }


def test_ld_admin_sets_up_a_role_standard_path_and_content_in_the_admin(client, ld_admin_user):
    client.force_login(ld_admin_user)

    add(client, Role, {"name": "On-call responder", "key": "on-call-responder"})
    role = Role.objects.get(key="on-call-responder")
    add(client, SkillTag, {"name": "reliability"})
    tag = SkillTag.objects.get()
    add(client, Skill, {"name": "Safe rollback", "key": "safe-rollback", "tags": [tag.pk]})
    add(client, Skill, {"name": "Feature flags", "key": "feature-flags", "tags": [tag.pk]})
    rollback, flags = Skill.objects.get(key="safe-rollback"), Skill.objects.get(key="feature-flags")

    add(client, ReadinessStandard, {"role": role.pk, "name": "On-call readiness", "signoff_validity_days": "365"})
    draft = StandardVersion.objects.get(standard__role=role)
    change(
        client,
        draft,
        {
            "change_note": "First on-call bar",
            "criteria-TOTAL_FORMS": "2",
            **inline_row("criteria", 0, criterion_row("safe-rollback", "Rolls back safely", rollback, 1)),
            **inline_row("criteria", 1, criterion_row("feature-flags", "Uses the kill switch", flags, 2)),
        },
    )
    for criterion in draft.criteria.all():
        change(
            client,
            criterion,
            {
                "levels-TOTAL_FORMS": "2",
                **inline_row("levels", 0, {"level": "2", "descriptor": "With a runbook and a buddy"}),
                **inline_row(
                    "levels", 1, {"level": "3", "descriptor": "Alone", "example_of_good": "Back to green in 5 min"}
                ),
            },
        )

    published = run_action(client, StandardVersion, "publish_action", [draft])
    assert f"Published {draft}." in all_messages(published)

    add(
        client,
        ContentItem,
        {
            "key": "rollback-lab",
            "kind": "lab",
            "title": "Rollback lab",
            "skills": [rollback.pk],
            "versions-TOTAL_FORMS": "1",
            **inline_row("versions", 0, {"change_note": "First release", "link": "https://learn.example.com/rb"}),
        },
    )
    item = ContentItem.objects.get(key="rollback-lab")
    released = run_action(client, ContentItem, "release_version_action", [item], change_note="Canary step added")
    assert "Released Rollback lab v2." in all_messages(released)

    add(
        client,
        LearningPath,
        {
            "role": role.pk,
            "title": "On-call path",
            "steps-TOTAL_FORMS": "2",
            **inline_row(
                "steps", 0, {"position": "1", "kind": "lab", "content_item": item.pk, "skills": [rollback.pk]}
            ),
            **inline_row(
                "steps",
                1,
                {"position": "2", "kind": "job_aid", "content_item": item.pk, "skills": [flags.pk], "required": "on"},
            ),
        },
    )

    draft.refresh_from_db()
    assert (draft.number, draft.status, draft.published_by) == (1, VersionStatus.PUBLISHED, ld_admin_user)
    assert sorted(draft.criteria.values_list("key", flat=True)) == ["feature-flags", "safe-rollback"]
    assert all(criterion.levels.count() == 2 for criterion in draft.criteria.all())
    assert AuditEntry.objects.filter(object_type="standard-version", object_id=str(draft.pk)).exists()
    item.refresh_from_db()
    assert item.status == ContentStatus.PUBLISHED
    assert list(item.versions.values_list("number", "change_note")) == [
        (2, "Canary step added"),
        (1, "First release"),
    ]
    path = LearningPath.objects.get(role=role)
    steps = list(path.steps.order_by("position"))
    assert [(step.kind, step.required) for step in steps] == [("lab", False), ("job_aid", True)]
    assert list(steps[1].skills.all()) == [flags]

    # Once published, the standard's content is frozen in the admin too.
    frozen_criterion = Criterion.objects.get(version=draft, key="safe-rollback")
    assert client.post(admin_url(Criterion, "change", frozen_criterion.pk), {"title": "x"}).status_code == 403
