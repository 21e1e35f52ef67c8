"""Serializers of the org: what the API shows of people, teams, services, regions, shifts and the audit trail."""

from collections.abc import Mapping

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from program.api.model_serializer import ModelSerializer
from program.models import AuditEntry, Person, Region, Service, Shift, Team, TeamMembership
from program.selectors import people_visible_to


@extend_schema_field(OpenApiTypes.INT)
class VisiblePersonField(serializers.PrimaryKeyRelatedField):
    """A person id the caller may see; any other id is 'does not exist', so ids cannot be probed."""

    def get_queryset(self):
        return people_visible_to(self.context["request"].user)


class RefusesServerDecidedFields:
    """For input serializers: fields the server decides (who did it, when) are refused with a 400 naming each one,
    rather than silently ignored, so no client believes it chose them. `server_decided = {field: why}`."""

    server_decided: dict[str, str] = {}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            sent = {name: [why] for name, why in self.server_decided.items() if name in data}
            if sent:
                raise serializers.ValidationError(sent)
        return super().to_internal_value(data)


class RegionSerializer(ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class ShiftSerializer(ModelSerializer):
    class Meta:
        model = Shift
        fields = ["id", "code", "name", "starts_at_hour_utc"]


class TeamSerializer(ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "slug", "name", "parent", "manager"]


class ServiceSerializer(ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "slug", "name", "team", "criticality", "on_checkout_path", "checkout_path_position"]


class PersonSerializer(ModelSerializer):
    language = serializers.CharField(source="working_language", read_only=True)
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "team",
            "region",
            "shift",
            "language",
            "manager",
            "coach",
            "start_date",
            "active",
            "has_login",
        ]

    def get_has_login(self, person: Person) -> bool:
        return person.user_id is not None


class PersonJoinSerializer(ModelSerializer):
    """Input of `program.services.person_join`: a new person on a team, opening their first membership."""

    manager = VisiblePersonField(required=False, allow_null=True)
    coach = VisiblePersonField(required=False, allow_null=True)
    started_on = serializers.DateField(required=False, write_only=True, help_text="Defaults to today.")

    class Meta:
        model = Person
        fields = [
            "email",
            "full_name",
            "team",
            "role",
            "region",
            "shift",
            "working_language",
            "manager",
            "coach",
            "started_on",
        ]
        extra_kwargs = {"team": {"required": True, "allow_null": False}}


class PersonMoveTeamSerializer(serializers.Serializer):
    """Input of `program.services.person_move_team`."""

    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    # Roles live in a higher app; reach the model through the field so `program` imports nothing above it.
    role = serializers.PrimaryKeyRelatedField(
        queryset=Person._meta.get_field("role").related_model.objects.all(), required=False, allow_null=True
    )
    on_date = serializers.DateField(required=False, help_text="Defaults to today.")


class TeamMembershipSerializer(ModelSerializer):
    class Meta:
        model = TeamMembership
        fields = ["id", "person", "team", "role", "started_on", "ended_on"]


class AuditEntrySerializer(ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "occurred_at",
            "actor",
            "action",
            "subject_person",
            "object_type",
            "object_id",
            "summary",
            "reason",
            "evidence",
        ]
