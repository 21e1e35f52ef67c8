"""Serializers of content items, versions, refresh tickets and learning paths."""

from rest_framework import serializers

from content.choices import RefreshStatus
from content.models import ContentItem, ContentVersion, LearningPath, PathStep, RefreshTicket
from program.api.model_serializer import ModelSerializer
from program.api.serializers import VisiblePersonField


class ContentItemSerializer(ModelSerializer):
    class Meta:
        model = ContentItem
        fields = ["id", "key", "kind", "title", "summary", "skills", "owner", "status", "review_by", "retired_at"]


class ContentVersionSerializer(ModelSerializer):
    class Meta:
        model = ContentVersion
        fields = ["id", "item", "number", "change_note", "link", "published_at"]


class ContentVersionReleaseSerializer(serializers.Serializer):
    """Input of `content.services.content_version_release`: the next immutable version of an item."""

    item = serializers.PrimaryKeyRelatedField(queryset=ContentItem.objects.all())
    change_note = serializers.CharField()
    link = serializers.URLField(required=False, allow_blank=True, max_length=500)
    review_by = serializers.DateField(required=False, allow_null=True)


class RefreshTicketSerializer(ModelSerializer):
    class Meta:
        model = RefreshTicket
        fields = [
            "id",
            "item",
            "reason",
            "source",
            "source_reference",
            "owner",
            "due_on",
            "status",
            "created_at",
            "closed_at",
        ]


class RefreshTicketStatusSerializer(serializers.Serializer):
    """Input of `content.services.refresh_ticket_set_status`: done and won't-do close the ticket (now)."""

    status = serializers.ChoiceField(choices=RefreshStatus.choices)


class RefreshTicketOpenSerializer(ModelSerializer):
    """Input of `content.services.refresh_ticket_open`; the item's owner owns it unless one is named."""

    owner = VisiblePersonField(required=False, allow_null=True)

    class Meta:
        model = RefreshTicket
        fields = ["item", "reason", "source", "source_reference", "owner", "due_on"]


class PathStepSerializer(ModelSerializer):
    class Meta:
        model = PathStep
        fields = ["id", "position", "kind", "content_item", "skills", "required"]


class LearningPathSerializer(ModelSerializer):
    steps = PathStepSerializer(many=True, read_only=True)

    class Meta:
        model = LearningPath
        fields = ["id", "role", "title", "description", "steps"]
