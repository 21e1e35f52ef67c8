"""API of the org: people (join, move team), teams, services, regions, shifts, memberships, the audit trail."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from program.filtersets import (
    AuditEntryFilterSet,
    PersonFilterSet,
    RegionFilterSet,
    ServiceFilterSet,
    ShiftFilterSet,
    TeamFilterSet,
    TeamMembershipFilterSet,
)
from program.models import AuditEntry, Person, Region, Service, Shift, Team, TeamMembership
from program.services import person_join, person_move_team
from program.tokens import ApiToken

from .pagination import cursor_pagination
from .serializers import (
    AuditEntrySerializer,
    PersonJoinSerializer,
    PersonMoveTeamSerializer,
    PersonSerializer,
    RegionSerializer,
    ServiceSerializer,
    ShiftSerializer,
    TeamMembershipSerializer,
    TeamSerializer,
)
from .viewsets import CsvExportMixin, ReadOnlyApiViewSet, ServiceCreateMixin
from .visibility import Visibility


@extend_schema_view(
    create=extend_schema(
        examples=[
            OpenApiExample(
                "A new SRE on the payments team",
                value={"email": "ana.ruiz@example.com", "full_name": "Ana Ruiz", "team": 3, "role": 1, "coach": 12},
                request_only=True,
            )
        ]
    )
)
class PersonViewSet(ServiceCreateMixin, ReadOnlyApiViewSet):
    """People in the program. Learners see themselves, coaches their learners, managers their teams (and
    below), L&D admins everyone. Creating a person calls `person_join`, which opens their first membership."""

    queryset = Person.objects.all()
    visibility = Visibility.through_person("pk")
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    scope_family = "people"
    create_serializer_class = PersonJoinSerializer
    create_service = person_join

    def create_arguments(self, validated_data: dict) -> dict:
        return validated_data | {"actor": self.request.user}

    @extend_schema(request=PersonMoveTeamSerializer, responses={200: TeamMembershipSerializer})
    @action(detail=True, methods=["post"], url_path="move-team")
    def move_team(self, request, pk=None):
        """Move the person to another team (and optionally role) from a date; the old membership is closed."""
        person = self.get_object()
        serializer = PersonMoveTeamSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            membership = person_move_team(person=person, actor=request.user, **serializer.validated_data)
        except ValueError as error:  # the service's "a move must come after the last one"
            raise ValidationError({"on_date": [str(error)]}) from error
        return Response(TeamMembershipSerializer(membership).data)


class TeamViewSet(ReadOnlyApiViewSet):
    """Teams: members see their own team, managers the teams they manage and those below, L&D admins all."""

    queryset = Team.objects.all()
    visibility = Visibility.through_team("pk")
    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet
    scope_family = "people"


class ServiceViewSet(ReadOnlyApiViewSet):
    """Production services and the team that owns each; `on_checkout_path` services in checkout order."""

    queryset = Service.objects.all()
    visibility = Visibility.everyone()
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilterSet
    scope_family = "people"


class RegionViewSet(ReadOnlyApiViewSet):
    """Regions people work from."""

    queryset = Region.objects.all()
    visibility = Visibility.everyone()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    scope_family = "people"


class ShiftViewSet(ReadOnlyApiViewSet):
    """Working shifts (follow-the-sun on-call)."""

    queryset = Shift.objects.all()
    visibility = Visibility.everyone()
    serializer_class = ShiftSerializer
    filterset_class = ShiftFilterSet
    scope_family = "people"


class TeamMembershipViewSet(ReadOnlyApiViewSet):
    """Who was on which team (and in which role) when: the history that keeps past evidence true."""

    queryset = TeamMembership.objects.all()
    visibility = Visibility.through_person("person")
    serializer_class = TeamMembershipSerializer
    filterset_class = TeamMembershipFilterSet
    scope_family = "people"


class AuditEntryViewSet(CsvExportMixin, ReadOnlyApiViewSet):
    """The append-only audit trail of decisions; entries about a person follow that person's visibility,
    entries about no one are for L&D admins. Cursor-paginated, newest first."""

    queryset = AuditEntry.objects.select_related("actor")
    visibility = Visibility.through_person("subject_person")
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    pagination_class = cursor_pagination("-occurred_at", "-id")
    scope_family = "audit"
    export_fields = {
        "id": "id",
        "occurred_at": "occurred_at",
        "actor": "actor__username",
        "action": "action",
        "subject_person_id": "subject_person_id",
        "subject_person_email": "subject_person__email",
        "object_type": "object_type",
        "object_id": "object_id",
        "summary": "summary",
        "reason": "reason",
    }


WhoAmISerializer = inline_serializer(
    "WhoAmI",
    {
        "username": serializers.CharField(),
        "token": inline_serializer(
            "WhoAmIToken",
            {
                "name": serializers.CharField(),
                "scopes": serializers.ListField(child=serializers.CharField()),
                "expires_at": serializers.DateTimeField(),
            },
            allow_null=True,
        ),
    },
)


class WhoAmIView(APIView):
    """Who the API sees you as, and your token's scopes and expiry: the first call to try an integration."""

    token_scope_exempt = True

    @extend_schema(responses={200: WhoAmISerializer})
    def get(self, request):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return Response(
            {
                "username": request.user.get_username(),
                "token": (
                    {"name": token.name, "scopes": token.scopes, "expires_at": token.expires_at} if token else None
                ),
            }
        )


class ApiRootView(APIView):
    """Every list endpoint of the API, by route."""

    token_scope_exempt = True
    routers: list = []  # set by program.api.root_urls from each app's router

    @extend_schema(responses={200: {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}})
    def get(self, request):
        links = {}
        for namespace, router in self.routers:
            for prefix, _viewset, basename in router.registry:
                links[prefix] = reverse(f"{namespace}:{basename}-list", request=request)
        return Response(dict(sorted(links.items())))
