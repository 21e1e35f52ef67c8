"""Filters of roles, skills, standards and their versions, gates and learning paths."""

from django_filters import rest_framework as filters

from program.api.filters import IdFilter
from program.models import Role

from .choices import GateKind, VersionStatus
from .models import Gate, ReadinessStandard, Skill, StandardVersion


class RoleFilterSet(filters.FilterSet):
    key = filters.CharFilter()

    class Meta:
        model = Role
        fields = ["key"]


class SkillFilterSet(filters.FilterSet):
    key = filters.CharFilter()
    parent = IdFilter(field_name="parent_id")
    tag = filters.CharFilter(field_name="tags__name", label="Tag name", distinct=True)

    class Meta:
        model = Skill
        fields = ["key", "parent", "tag"]


class ReadinessStandardFilterSet(filters.FilterSet):
    role = IdFilter(field_name="role_id")

    class Meta:
        model = ReadinessStandard
        fields = ["role"]


class StandardVersionFilterSet(filters.FilterSet):
    standard = IdFilter(field_name="standard_id")
    role = IdFilter(field_name="standard__role_id")
    status = filters.ChoiceFilter(choices=VersionStatus.choices)

    class Meta:
        model = StandardVersion
        fields = ["standard", "role", "status"]


class GateFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=GateKind.choices)
    service = IdFilter(field_name="service_id")
    required_standard = IdFilter(field_name="required_standard_id")
    active = filters.BooleanFilter()

    class Meta:
        model = Gate
        fields = ["kind", "service", "required_standard", "active"]
