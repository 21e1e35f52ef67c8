"""OpenAPI generation: the house AutoSchema documents the errors every endpoint can give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from program.validators import JsonObject, ObjectList, StringList


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why the request was refused.")


FIELD_ERRORS = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]},
    },
    description="Bad input: each field (or `detail`) with its messages.",
)


class ApiAutoSchema(AutoSchema):
    """Adds 400/401/403/404 to each operation, and shows the read serializer as a create's response."""

    def get_response_serializers(self):
        create_serializer = getattr(self.view, "create_serializer_class", None)
        if getattr(self.view, "action", None) == "create" and create_serializer is not None:
            return self.view.serializer_class
        return super().get_response_serializers()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {
            "400": FIELD_ERRORS,
            "401": OpenApiResponse(ErrorSerializer, description="No or invalid credentials."),
            "403": OpenApiResponse(ErrorSerializer, description="Signed in, but not allowed (scope or permission)."),
        }
        if "{" in self.path:
            errors["404"] = OpenApiResponse(ErrorSerializer, description="No such object, or not visible to you.")
        if self._is_list_view() or getattr(self.view, "action", None) == "export":
            errors["404"] = OpenApiResponse(ErrorSerializer, description="No such page or cursor.")
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token authentication as HTTP bearer (registered by being imported with the schema class)."""

    target_class = "program.api.authentication.ApiTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        definition = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")
        definition["description"] = "An API token `rp_<prefix>_<secret>`, created with `manage.py api_token create`."
        return definition


class ShapedJSONFieldSchema(OpenApiSerializerFieldExtension):
    """A JSON column's declared shape (program/validators.py) in the schema, so clients and fuzzers see it."""

    target_class = "program.api.model_serializer.ShapedJSONSerializerField"

    def map_serializer_field(self, auto_schema, direction):
        shape = self.target.shape
        if isinstance(shape, StringList):
            return {
                "type": "array",
                "items": {"type": "string", "maxLength": shape.max_length},
                "maxItems": shape.max_items,
            }
        if isinstance(shape, ObjectList):
            return {
                "type": "array",
                "items": {"type": "object", "additionalProperties": {}},
                "maxItems": shape.max_items,
            }
        if isinstance(shape, JsonObject):
            return {"type": "object", "additionalProperties": {}}
        return {}
