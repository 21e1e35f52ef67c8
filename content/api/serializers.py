"""Serializers of content items, versions, refresh tickets and learning paths."""

from rest_framework import serializers

from content.choices import MatchVerdict, RefreshStatus, VersionTrigger
from content.models import ContentItem, ContentVersion, LearningPath, PathStep, RefreshTicket
from program.api.model_serializer import ModelSerializer
from program.api.serializers import VisiblePersonField


class ContentItemSerializer(ModelSerializer):
    class Meta:
        model = ContentItem
        fields = [
            "id",
            "key",
            "kind",
            "title",
            "summary",
            "skills",
            "owner",
            "status",
            "review_by",
            "retired_at",
            "replaced_by",
        ]


class ContentItemRetireSerializer(serializers.Serializer):
    """Input of `content.services.content_item_retire`."""

    replacement = serializers.PrimaryKeyRelatedField(
        queryset=ContentItem.objects.all(), required=False, allow_null=True, help_text="What learners take instead."
    )


class ContentVersionSerializer(ModelSerializer):
    class Meta:
        model = ContentVersion
        fields = ["id", "item", "number", "change_note", "link", "published_at", "trigger", "trigger_incident"]


class ContentVersionReleaseSerializer(serializers.Serializer):
    """Input of `content.services.content_version_release`: the next immutable version of an item."""

    item = serializers.PrimaryKeyRelatedField(queryset=ContentItem.objects.all())
    change_note = serializers.CharField()
    link = serializers.URLField(required=False, allow_blank=True, max_length=500)
    review_by = serializers.DateField(required=False, allow_null=True)
    trigger = serializers.ChoiceField(choices=VersionTrigger.choices, required=False)
    refresh_tickets = serializers.PrimaryKeyRelatedField(
        queryset=RefreshTicket.objects.filter(closed_at__isnull=True),
        many=True,
        required=False,
        help_text="Open tickets of this item that the version answers: they close with it.",
    )


class RefreshTicketSerializer(ModelSerializer):
    class Meta:
        model = RefreshTicket
        fields = [
            "id",
            "kind",
            "item",
            "incident",
            "reason",
            "source",
            "source_reference",
            "owner",
            "due_on",
            "status",
            "created_at",
            "closed_at",
            "score",
            "explanation",
            "verdict",
            "verdict_note",
            "verdict_at",
            "closed_by_version",
            "time_to_refresh",
        ]


class RefreshTicketReviewSerializer(serializers.Serializer):
    """Input of `content.services.refresh_ticket_review`: the owner's verdict on a matched ticket."""

    verdict = serializers.ChoiceField(choices=[MatchVerdict.CONFIRMED, MatchVerdict.DISMISSED])
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RefreshTicketStatusSerializer(serializers.Serializer):
    """Input of `content.services.refresh_ticket_set_status`: done and won't-do close the ticket (now)."""

    status = serializers.ChoiceField(choices=RefreshStatus.choices)


class RefreshTicketOpenSerializer(ModelSerializer):
    """Input of `content.services.refresh_ticket_open`; the item's owner owns it unless one is named."""

    owner = VisiblePersonField(required=False, allow_null=True)

    class Meta:
        model = RefreshTicket
        fields = ["item", "reason", "source", "source_reference", "owner", "due_on"]
        # Coverage-gap tickets (no item) are opened by the note matcher only.
        extra_kwargs = {"item": {"required": True, "allow_null": False}}


class PathStepSerializer(ModelSerializer):
    class Meta:
        model = PathStep
        fields = ["id", "position", "kind", "content_item", "skills", "required"]


class LearningPathSerializer(ModelSerializer):
    steps = PathStepSerializer(many=True, read_only=True)

    class Meta:
        model = LearningPath
        fields = ["id", "role", "title", "description", "steps"]
