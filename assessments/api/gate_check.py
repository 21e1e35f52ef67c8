"""The gate check: may this person deploy / go on call / approve changes (for this service) right now?"""

from django.contrib.auth.models import User
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from program.selectors import people_visible_to, user_reads_everyone
from roles.choices import GateKind

from ..selectors.gates import UnknownService, gate_check, gate_for, person_by_email_or_username


class GateCheckQuerySerializer(serializers.Serializer):
    person = serializers.CharField(max_length=254, help_text="The person's email address or login username.")
    gate = serializers.ChoiceField(choices=GateKind.choices)
    service = serializers.SlugField(
        max_length=64, required=False, help_text="The service slug; the all-services gate applies when omitted."
    )


class GateCheckAnswerSerializer(serializers.Serializer):
    person = serializers.EmailField()
    gate = serializers.ChoiceField(choices=GateKind.choices)
    service = serializers.CharField(allow_null=True, help_text="The service whose own gate applied, if any.")
    allowed = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why, in words a person understands.")
    basis = serializers.ChoiceField(choices=["sign-off", "exception"], allow_null=True)
    standard = serializers.CharField()
    standard_version = serializers.IntegerField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


def may_check(user: User, person) -> bool:
    """Integrations and L&D admins check anyone; others only people they may see (self, coachees, reports)."""
    return user_reads_everyone(user) or people_visible_to(user).filter(pk=person.pk).exists()


class GateCheckView(APIView):
    """Answers deploy pipelines and on-call tools in a constant, small number of queries."""

    scope_family = "gates"

    @extend_schema(
        operation_id="gates_check",
        summary="May this person pass this gate now?",
        description=(
            "Allowed when the person holds a current grant (their required standard is signed off and not "
            "expired or revoked) or an open time-boxed exception. A service's own gate applies when one is "
            "configured, otherwise the all-services gate of that kind."
        ),
        parameters=[GateCheckQuerySerializer],
        responses={
            200: GateCheckAnswerSerializer,
            404: OpenApiResponse(
                description="No such person (or one the caller may not see: the same answer), or no such service "
                "or gate."
            ),
        },
        examples=[
            OpenApiExample(
                "Allowed",
                response_only=True,
                value={
                    "person": "ana@example.com",
                    "gate": "deploy",
                    "service": "payments-api",
                    "allowed": True,
                    "reason": "Signed off on Checkout SRE readiness v3 by Sam Coach on 2026-05-02.",
                    "basis": "sign-off",
                    "standard": "Checkout SRE readiness",
                    "standard_version": 3,
                    "expires_at": "2027-05-02T09:00:00Z",
                },
            )
        ],
        tags=["gates"],
    )
    def get(self, request):
        query = GateCheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        person = person_by_email_or_username(params["person"])
        # A person the caller may not see gets the very answer of an unknown one: otherwise any login could
        # learn which emails exist by asking.
        if person is None or not may_check(request.user, person):
            raise NotFound(f"No person with email or username {params['person']!r}.")
        try:
            gate = gate_for(kind=params["gate"], service_slug=params.get("service"))
        except UnknownService as error:
            raise NotFound(str(error)) from error
        if gate is None:
            raise NotFound(f"No active {params['gate']} gate is configured for this service.")
        answer = gate_check(person=person, gate=gate)
        body = {
            "person": person.email,
            "gate": gate.kind,
            "service": params["service"] if gate.service_id else None,  # a service's own gate is the one asked for
            "allowed": answer.allowed,
            "reason": answer.reason,
            "basis": answer.basis,
            "standard": answer.standard,
            "standard_version": answer.standard_version,
            "expires_at": answer.expires_at,
        }
        return Response(GateCheckAnswerSerializer(body).data, status=status.HTTP_200_OK)
