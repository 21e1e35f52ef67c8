"""Serializers of roles, skills, standards (with their versions' criteria), gates and learning paths."""

from rest_framework import serializers

from program.api.model_serializer import ModelSerializer
from program.models import Role
from roles.models import (
    Criterion,
    Gate,
    LevelDescriptor,
    ReadinessStandard,
    Skill,
    StandardVersion,
)


class RoleSerializer(ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "key", "name", "description"]


class SkillSerializer(ModelSerializer):
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Skill
        fields = ["id", "key", "name", "description", "parent", "tags"]


class ReadinessStandardSerializer(ModelSerializer):
    class Meta:
        model = ReadinessStandard
        fields = ["id", "role", "name", "signoff_validity_days", "grandfathering"]


class LevelDescriptorSerializer(ModelSerializer):
    class Meta:
        model = LevelDescriptor
        fields = ["level", "descriptor", "example_of_good"]


class CriterionSerializer(ModelSerializer):
    levels = LevelDescriptorSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "key",
            "skill",
            "title",
            "description",
            "weight",
            "required_level",
            "minimum_score",
            "evidence_validity_days",
            "required_scenarios",
            "position",
            "levels",
        ]


class StandardVersionSerializer(ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    published_by = serializers.CharField(source="published_by.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = StandardVersion
        fields = [
            "id",
            "standard",
            "number",
            "status",
            "change_note",
            "created_at",
            "published_at",
            "published_by",
            "criteria",
        ]


class NewDraftSerializer(serializers.Serializer):
    """Input of `roles.services.standard_version_new_draft`."""

    change_note = serializers.CharField(required=False, allow_blank=True, default="")


class GateSerializer(ModelSerializer):
    class Meta:
        model = Gate
        fields = ["id", "kind", "service", "required_standard", "active"]
