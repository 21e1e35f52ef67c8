"""API of content items (retire), their versions (release), refresh tickets (open, move along or close) and learning
paths."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from content.filtersets import (
    ContentItemFilterSet,
    ContentVersionFilterSet,
    LearningPathFilterSet,
    RefreshTicketFilterSet,
)
from content.models import ContentItem, ContentVersion, LearningPath, RefreshTicket
from content.services import (
    content_item_retire,
    content_version_release,
    refresh_ticket_open,
    refresh_ticket_review,
    refresh_ticket_set_status,
)
from program.api.permissions import WritesNeedModelPermission
from program.api.viewsets import ReadOnlyApiViewSet, ServiceCreateMixin
from program.api.visibility import Visibility

from .serializers import (
    ContentItemRetireSerializer,
    ContentItemSerializer,
    ContentVersionReleaseSerializer,
    ContentVersionSerializer,
    LearningPathSerializer,
    RefreshTicketOpenSerializer,
    RefreshTicketReviewSerializer,
    RefreshTicketSerializer,
    RefreshTicketStatusSerializer,
)


class ContentItemViewSet(ReadOnlyApiViewSet):
    """Courses, labs, drills, checklists and job aids, with their owner, status and review date."""

    queryset = ContentItem.objects.prefetch_related("skills")
    visibility = Visibility.everyone()
    serializer_class = ContentItemSerializer
    filterset_class = ContentItemFilterSet
    scope_family = "content"

    @extend_schema(request=ContentItemRetireSerializer, responses={200: ContentItemSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Retire the item: it stays for history but is no longer offered and takes no new versions; name the
        `replacement` learners should take instead."""
        serializer = ContentItemRetireSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = content_item_retire(item=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)


class ContentVersionViewSet(ServiceCreateMixin, ReadOnlyApiViewSet):
    """Immutable, numbered releases of content items; creating one calls `content_version_release`."""

    queryset = ContentVersion.objects.all()
    visibility = Visibility.everyone()
    serializer_class = ContentVersionSerializer
    filterset_class = ContentVersionFilterSet
    scope_family = "content"
    create_serializer_class = ContentVersionReleaseSerializer
    create_service = content_version_release

    def create_arguments(self, validated_data: dict) -> dict:
        return validated_data | {"actor": self.request.user}


class RefreshTicketViewSet(ServiceCreateMixin, ReadOnlyApiViewSet):
    """Requests to refresh content (from incidents, due reviews, score data, feedback). Owners see their
    tickets, L&D admins all; incident tools open them with `source=incident`."""

    queryset = RefreshTicket.objects.all()
    visibility = Visibility.through_person("owner")
    serializer_class = RefreshTicketSerializer
    filterset_class = RefreshTicketFilterSet
    scope_family = "content"
    create_serializer_class = RefreshTicketOpenSerializer
    create_service = refresh_ticket_open

    def get_permissions(self):
        permissions = super().get_permissions()
        if self.action == "review":
            # Any owner gives the verdict on their own tickets, whatever their group: the service checks the
            # caller is the ticket's owner (or an L&D admin); the token still needs `content:write`.
            permissions = [p for p in permissions if not isinstance(p, WritesNeedModelPermission)]
        return permissions

    @extend_schema(request=RefreshTicketReviewSerializer, responses={200: RefreshTicketSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The owner confirms the match (the ticket moves to in progress) or dismisses it (closed; the same
        incident never reopens it). The verdict is kept for tuning the matcher."""
        serializer = RefreshTicketReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = refresh_ticket_review(ticket=self.get_object(), by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(ticket).data)

    @extend_schema(request=RefreshTicketStatusSerializer, responses={200: RefreshTicketSerializer})
    @action(detail=True, methods=["post"], url_path="set-status")
    def set_status(self, request, pk=None):
        """Move the ticket along through `refresh_ticket_set_status`: done or won't-do close it now (`closed_at`),
        reopening clears that; audited with the caller."""
        serializer = RefreshTicketStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = refresh_ticket_set_status(ticket=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(self.serializer_class(self.get_queryset().get(pk=ticket.pk)).data)


class LearningPathViewSet(ReadOnlyApiViewSet):
    """The learning path of each role, with its ordered steps."""

    queryset = LearningPath.objects.prefetch_related("steps__skills")
    visibility = Visibility.everyone()
    serializer_class = LearningPathSerializer
    filterset_class = LearningPathFilterSet
    scope_family = "standards"
