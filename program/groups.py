"""The permission groups of the program and the model permissions each one holds.

Applied by data migrations (program/0003 and any later migration that adds models), so a fresh database
always has the groups: L&D admin, Coach, Manager, Learner, Integration, Executive.
"""

from django.contrib.auth.management import create_permissions

from .constants import (
    COACH_GROUP,
    EXECUTIVE_GROUP,
    INTEGRATION_GROUP,
    LD_ADMIN_GROUP,
    LEARNER_GROUP,
    MANAGER_GROUP,
)

PROGRAM_APPS = ("program", "roles", "content", "assessments", "equity")
ALL_ACTIONS = ("view", "add", "change", "delete")

# Models nobody may change or delete, whatever their group: evidence of decisions.
APPEND_ONLY_MODELS = {("program", "auditentry")}
# Evidence and records of decisions: no group may delete them (corrections are voids, revocations, ends, which
# keep the row). The admin refuses deletes for everyone, superusers included (program.admin_mixins).
NEVER_DELETED_MODELS = {
    ("program", "teammembership"),
    ("program", "apitoken"),
    ("assessments", "attempt"),
    ("assessments", "signoff"),
    ("assessments", "personreadiness"),
    ("assessments", "readinessfailure"),
    ("assessments", "gategrant"),
    ("assessments", "gateexception"),
    ("assessments", "expiryreminder"),
    ("assessments", "statement"),
    ("assessments", "lrssyncrun"),
    ("assessments", "quarantinedstatement"),
    ("content", "contentversion"),
    ("content", "refreshticket"),
    ("assessments", "reviewercalibration"),
    ("equity", "equityfinding"),
}

# group -> {(app_label, model_name or "*"): actions}
GROUP_PERMISSIONS: dict[str, dict[tuple[str, str], tuple[str, ...]]] = {
    LD_ADMIN_GROUP: {(app, "*"): ALL_ACTIONS for app in PROGRAM_APPS},
    COACH_GROUP: {
        ("program", "person"): ("view",),
        ("program", "role"): ("view",),
        ("roles", "*"): ("view",),
        ("content", "contentitem"): ("view",),
        ("content", "learningpath"): ("view",),
        ("content", "pathstep"): ("view",),
        ("assessments", "scenario"): ("view",),
        ("assessments", "attempt"): ("view",),
        ("assessments", "signoff"): ("view", "add", "change"),
    },
    MANAGER_GROUP: {
        ("program", "person"): ("view",),
        ("program", "team"): ("view",),
        ("program", "service"): ("view",),
        ("program", "incident"): ("view",),
        ("program", "role"): ("view",),
        # Their services' levels, objectives and the events calendar (what coverage warnings are about).
        ("program", "metricsample"): ("view",),
        ("program", "servicelevelobjective"): ("view",),
        ("program", "operationalevent"): ("view",),
        ("roles", "*"): ("view",),
        ("content", "learningpath"): ("view",),
        ("content", "pathstep"): ("view",),
        ("assessments", "attempt"): ("view",),
        ("assessments", "signoff"): ("view",),
        # A manager approves (and ends early) time-boxed gate exceptions for their people.
        ("assessments", "gateexception"): ("view", "add", "change"),
        ("equity", "*"): ("view",),
    },
    LEARNER_GROUP: {
        ("program", "role"): ("view",),
        ("roles", "*"): ("view",),
        ("content", "contentitem"): ("view",),
        ("content", "learningpath"): ("view",),
        ("content", "pathstep"): ("view",),
        ("assessments", "scenario"): ("view",),
    },
    # Executives read the program's pages (dashboards, scorecard, every team's guide); in the admin, only views.
    EXECUTIVE_GROUP: {
        ("program", "team"): ("view",),
        ("program", "service"): ("view",),
        ("program", "role"): ("view",),
        ("roles", "*"): ("view",),
        ("equity", "*"): ("view",),
    },
    INTEGRATION_GROUP: {(app, "*"): ("view",) for app in PROGRAM_APPS}
    | {
        ("assessments", "attempt"): ("view", "add"),
        ("program", "person"): ("view", "add", "change"),
        # Monitoring pushes service-level samples (POST /api/metric-samples/).
        ("program", "metricsample"): ("view", "add"),
        # Incident tools push incidents (an update of a known one is a change).
        ("program", "incident"): ("view", "add", "change"),
    },
}


def sync_group_permissions(apps, schema_editor=None) -> None:
    """Create the groups and set their permissions from GROUP_PERMISSIONS (idempotent; migration-safe)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.filter(app_label__in=PROGRAM_APPS)}
    permission_ids = {
        (perm.content_type_id, perm.codename): perm.pk
        for perm in Permission.objects.filter(content_type_id__in=content_types.values())
    }
    for group_name, grants in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted: set[int] = set()
        for (app_label, model_name), actions in grants.items():
            for (ct_app, ct_model), ct_id in content_types.items():
                if ct_app != app_label or model_name not in ("*", ct_model):
                    continue
                allowed = ("view",) if (ct_app, ct_model) in APPEND_ONLY_MODELS else actions
                if (ct_app, ct_model) in NEVER_DELETED_MODELS:
                    allowed = tuple(action for action in allowed if action != "delete")
                wanted.update(
                    permission_ids[(ct_id, f"{action}_{ct_model}")]
                    for action in allowed
                    if (ct_id, f"{action}_{ct_model}") in permission_ids
                )
        group.permissions.set(wanted)
