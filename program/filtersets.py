"""Filters of the org's lists (API and pages): people by team, role, region, shift, language..."""

from django.db.models import Q
from django_filters import rest_framework as filters

from program.api.filters import DateRangeFilter, DateTimeRangeFilter, IdFilter

from .choices import AuditAction, Criticality, WorkingLanguage
from .models import AuditEntry, Person, Region, Service, Shift, Team, TeamMembership


class PersonFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Name or email contains")
    team = IdFilter(field_name="team_id")
    role = IdFilter(field_name="role_id")
    region = IdFilter(field_name="region_id")
    shift = IdFilter(field_name="shift_id")
    language = filters.ChoiceFilter(field_name="working_language", choices=WorkingLanguage.choices)
    coach = IdFilter(field_name="coach_id")
    manager = IdFilter(field_name="manager_id")
    active = filters.BooleanFilter()
    start_date = DateRangeFilter()

    class Meta:
        model = Person
        fields = ["q", "team", "role", "region", "shift", "language", "coach", "manager", "active", "start_date"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(full_name__icontains=value) | Q(email__icontains=value))


class TeamFilterSet(filters.FilterSet):
    parent = IdFilter(field_name="parent_id")
    manager = IdFilter(field_name="manager_id")
    slug = filters.CharFilter()

    class Meta:
        model = Team
        fields = ["parent", "manager", "slug"]


class ServiceFilterSet(filters.FilterSet):
    team = IdFilter(field_name="team_id")
    criticality = filters.ChoiceFilter(choices=Criticality.choices)
    on_checkout_path = filters.BooleanFilter()

    class Meta:
        model = Service
        fields = ["team", "criticality", "on_checkout_path"]


class RegionFilterSet(filters.FilterSet):
    code = filters.CharFilter()

    class Meta:
        model = Region
        fields = ["code"]


class ShiftFilterSet(filters.FilterSet):
    code = filters.CharFilter()

    class Meta:
        model = Shift
        fields = ["code"]


class TeamMembershipFilterSet(filters.FilterSet):
    person = IdFilter(field_name="person_id")
    team = IdFilter(field_name="team_id")
    role = IdFilter(field_name="role_id")
    current = filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label="Still open")
    started_on = DateRangeFilter()

    class Meta:
        model = TeamMembership
        fields = ["person", "team", "role", "current", "started_on"]


class AuditEntryFilterSet(filters.FilterSet):
    action = filters.ChoiceFilter(choices=AuditAction.choices)
    object_type = filters.CharFilter()
    object_id = filters.CharFilter()
    subject_person = IdFilter(field_name="subject_person_id")
    actor = IdFilter(field_name="actor_id")
    occurred_at = DateTimeRangeFilter()

    class Meta:
        model = AuditEntry
        fields = ["action", "object_type", "object_id", "subject_person", "actor", "occurred_at"]
