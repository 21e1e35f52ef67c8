"""API of content items (retire), their versions (release) and refresh tickets (open)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from content.filtersets import ContentItemFilterSet, ContentVersionFilterSet, RefreshTicketFilterSet
from content.models import ContentItem, ContentVersion, RefreshTicket
from content.services import (
    content_item_retire,
    content_version_release,
    refresh_ticket_open,
    refresh_ticket_review,
)
from program.api.permissions import WritesNeedModelPermission
from program.api.viewsets import ReadOnlyApiViewSet, ServiceCreateMixin
from program.api.visibility import Visibility

from .serializers import (
    ContentItemRetireSerializer,
    ContentItemSerializer,
    ContentVersionReleaseSerializer,
    ContentVersionSerializer,
    RefreshTicketOpenSerializer,
    RefreshTicketReviewSerializer,
    RefreshTicketSerializer,
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
        item = content_item_retire(item=self.get_object(), **serializer.validated_data)
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
