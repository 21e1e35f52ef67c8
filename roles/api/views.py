"""API of roles, skills, standards and versions (publish, new draft) and gates."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from program.api.viewsets import ReadOnlyApiViewSet
from program.api.visibility import Visibility
from program.models import Role
from roles.filtersets import (
    GateFilterSet,
    ReadinessStandardFilterSet,
    RoleFilterSet,
    SkillFilterSet,
    StandardVersionFilterSet,
)
from roles.models import Gate, ReadinessStandard, Skill, StandardVersion
from roles.services import standard_version_new_draft, standard_version_publish

from .serializers import (
    GateSerializer,
    NewDraftSerializer,
    ReadinessStandardSerializer,
    RoleSerializer,
    SkillSerializer,
    StandardVersionSerializer,
)


class RoleViewSet(ReadOnlyApiViewSet):
    """Job roles; each has one readiness standard and one learning path."""

    queryset = Role.objects.all()
    visibility = Visibility.everyone()
    serializer_class = RoleSerializer
    filterset_class = RoleFilterSet
    scope_family = "standards"


class SkillViewSet(ReadOnlyApiViewSet):
    """The skill taxonomy (parent skill, tags)."""

    queryset = Skill.objects.prefetch_related("tags")
    visibility = Visibility.everyone()
    serializer_class = SkillSerializer
    filterset_class = SkillFilterSet
    scope_family = "standards"


class ReadinessStandardViewSet(ReadOnlyApiViewSet):
    """The one readiness bar of each role; its content lives in numbered versions."""

    queryset = ReadinessStandard.objects.all()
    visibility = Visibility.everyone()
    serializer_class = ReadinessStandardSerializer
    filterset_class = ReadinessStandardFilterSet
    scope_family = "standards"
    write_permissions = {"new_draft": "roles.add_standardversion"}

    @extend_schema(request=NewDraftSerializer, responses={201: StandardVersionSerializer})
    @action(detail=True, methods=["post"], url_path="new-draft")
    def new_draft(self, request, pk=None):
        """Start the next draft version as a copy of the latest one (criteria, levels, required scenarios)."""
        serializer = NewDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = standard_version_new_draft(standard=self.get_object(), **serializer.validated_data)
        draft = StandardVersionViewSet.queryset.get(pk=draft.pk)
        return Response(StandardVersionSerializer(draft).data, status=status.HTTP_201_CREATED)


class StandardVersionViewSet(ReadOnlyApiViewSet):
    """Numbered versions of a standard with their criteria and level descriptors; published ones are frozen."""

    queryset = StandardVersion.objects.select_related("published_by").prefetch_related(
        "criteria__levels", "criteria__required_scenarios"
    )
    visibility = Visibility.everyone()
    serializer_class = StandardVersionSerializer
    filterset_class = StandardVersionFilterSet
    scope_family = "standards"
    write_permissions = {"publish": "roles.change_standardversion"}

    @extend_schema(request=None, responses={200: StandardVersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish this draft: from now on it is frozen for good, and sign-offs can be made against it."""
        version = standard_version_publish(version=self.get_object(), by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=version.pk)).data)


class GateViewSet(ReadOnlyApiViewSet):
    """Gates (on-call entry, deploy rights, change approval), each opened by one readiness standard."""

    queryset = Gate.objects.all()
    visibility = Visibility.everyone()
    serializer_class = GateSerializer
    filterset_class = GateFilterSet
    scope_family = "gates"
