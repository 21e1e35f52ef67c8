"""Admin of the org: regions, shifts, teams, services, people with their membership history, and the audit trail."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from .admin_mixins import EvidenceAdminMixin, ServiceRefusalAsFormErrorMixin, adopt_saved
from .forms import PersonAdminForm
from .models import AuditEntry, Person, Region, Service, Shift, Team, TeamMembership
from .services import person_join, person_move_team, person_set_reporting_lines, team_set_manager

admin.site.site_header = "Readiness Portal admin"
admin.site.site_title = "Readiness Portal admin"
admin.site.index_title = "Run the readiness program"

# Fields a person joins with besides name, email, team and role (person_join takes them as they are).
JOIN_ATTRIBUTES = ("user", "region", "shift", "working_language", "manager", "coach", "start_date", "active")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    list_filter = [("people", admin.EmptyFieldListFilter)]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "starts_at_hour_utc"]
    search_fields = ["name", "code"]
    list_filter = ["starts_at_hour_utc"]


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ["name", "slug", "criticality", "on_checkout_path", "checkout_path_position"]
    extra = 0
    show_change_link = True


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "manager"]
    list_select_related = ["parent", "manager"]
    search_fields = ["name", "slug"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    autocomplete_fields = ["parent", "manager"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceInline]

    def save_model(self, request, obj, form, change):
        # Naming the manager goes through `team_set_manager`, so who may see the team is changed on the record.
        manager = obj.manager
        obj.manager_id = form.initial.get("manager") if change else None
        obj.save()
        team_set_manager(team=obj, manager=manager, actor=request.user)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "team", "criticality", "on_checkout_path", "checkout_path_position"]
    list_select_related = ["team"]
    search_fields = ["name", "slug", "team__name"]
    list_filter = ["criticality", "on_checkout_path", "team"]
    autocomplete_fields = ["team"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(EvidenceAdminMixin, admin.TabularInline):
    """The membership history, written only by joining and moving (see the person's team field)."""

    model = TeamMembership
    fields = ["team", "role", "started_on", "ended_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team", "role")


@admin.register(Person)
class PersonAdmin(ServiceRefusalAsFormErrorMixin, admin.ModelAdmin):
    """People join through `person_join` and change team or role through `person_move_team`, so history stays true.

    People are never deleted here: someone who leaves is marked inactive, so their history and evidence stay.
    """

    form = PersonAdminForm
    list_display = ["full_name", "email", "role", "team", "region", "shift", "working_language", "coach", "active"]
    list_select_related = ["role", "team", "region", "shift", "coach"]
    search_fields = ["full_name", "email", "team__name"]
    list_filter = ["active", "role", "team", "region", "shift", "working_language"]
    autocomplete_fields = ["role", "team", "manager", "coach"]
    raw_id_fields = ["user"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["full_name", "email", "user", "active"]}),
        ("Place in the program", {"fields": ["team", "role", "moved_on", "manager", "coach", "start_date"]}),
        ("Where and when they work", {"fields": ["region", "shift", "working_language"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        # Joining opens the first membership on the start date: there is no move to date yet.
        return [(name, {"fields": [f for f in opts["fields"] if f != "moved_on"]}) for name, opts in self.fieldsets]

    def save_model(self, request, obj, form, change):
        if not change:
            person = person_join(
                email=obj.email,
                full_name=obj.full_name,
                team=obj.team,
                role=obj.role,
                started_on=obj.start_date,
                actor=request.user,
                **{name: getattr(obj, name) for name in JOIN_ATTRIBUTES},
            )
            adopt_saved(obj, person)
            return
        changed = set(form.changed_data)
        moving = obj.team_id is not None and bool({"team", "role"} & changed)
        new_team, new_role, new_manager, new_coach = obj.team, obj.role, obj.manager, obj.coach
        # Save everything else first with the old team, role, manager and coach; the services then change those,
        # so the move closes the old membership and the new reporting lines are audited with the admin.
        if moving:
            obj.team_id, obj.role_id = form.initial.get("team"), form.initial.get("role")
        obj.manager_id, obj.coach_id = form.initial.get("manager"), form.initial.get("coach")
        obj.save()
        person_set_reporting_lines(person=obj, manager=new_manager, coach=new_coach, actor=request.user)
        if not moving:
            return
        try:
            person_move_team(
                person=obj, team=new_team, role=new_role, on_date=form.cleaned_data["moved_on"], actor=request.user
            )
        except ValueError as refusal:  # the service refuses a move dated before the current membership
            raise ValidationError(str(refusal)) from refusal


@admin.register(TeamMembership)
class TeamMembershipAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = ["person", "team", "role", "started_on", "ended_on"]
    list_select_related = ["person", "team", "role"]
    search_fields = ["person__full_name", "person__email", "team__name"]
    list_filter = [("ended_on", admin.EmptyFieldListFilter), "team", "role", "started_on"]
    date_hierarchy = "started_on"


@admin.register(AuditEntry)
class AuditEntryAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    """The append-only audit trail: view-only for everyone, superusers included."""

    list_display = ["occurred_at", "action", "object_type", "object_id", "subject_person", "actor", "summary"]
    list_select_related = ["subject_person", "actor"]
    search_fields = ["summary", "reason", "object_type", "object_id", "subject_person__full_name", "actor__username"]
    list_filter = ["action", "object_type", "occurred_at"]
    date_hierarchy = "occurred_at"


from . import admin_tokens  # noqa: E402, F401  (API tokens: their admin lives in its own module)
from .incidents import admin as incidents_admin  # noqa: E402, F401  (incidents and PagerDuty)

# Service levels, their sources and the events calendar register their admin in their own module.
from .operations import admin as operations_admin  # noqa: E402, F401
