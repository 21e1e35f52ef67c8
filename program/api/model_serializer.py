"""The base of every model serializer: DRF's ModelSerializer, made cheaper where list pages spend their time.

DRF works each serializer's fields out of the model anew and reads each field of each row through
`Field.get_attribute` (source traversal, callable checks, a PKOnlyObject per relation) before converting it;
on a 50-row page that generic machinery costs more than the values. Here the fields are worked out once per
class, and a serializer decides once how to read each field: a model column straight off the instance, a
foreign key as its `<name>_id` column, and everything else (dotted sources, method fields, nested
serializers, many-to-many) through DRF's own path. The output is the same (tests/api/test_model_serializer.py).
"""

import copy
from operator import attrgetter

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from program.validators import JsonShape, ShapedJSONField


class ShapedJSONSerializerField(serializers.JSONField):
    """The API's field of a `ShapedJSONField`: DRF's JSONField (the shape runs as the model field's validator),
    whose declared shape the OpenAPI schema shows (program/api/schema.py)."""

    @property
    def shape(self) -> JsonShape | None:
        return next((validator for validator in self.validators if isinstance(validator, JsonShape)), None)


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        ShapedJSONField: ShapedJSONSerializerField,
    }

    def get_fields(self):
        # DRF works the fields out of the model (field mapping, validators) for every serializer it makes;
        # they depend on the class alone, so that is done once and each serializer gets a copy.
        template = type(self).__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            type(self)._fields_template = template
        return copy.deepcopy(template)

    def to_representation(self, instance):
        representation = {}
        for name, read_column, convert, field in self._read_plan:
            if read_column is None:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
                value = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
                representation[name] = None if value is None else field.to_representation(attribute)
                continue
            value = read_column(instance)
            representation[name] = value if value is None or convert is None else convert(value)
        return representation

    @property
    def _read_plan(self) -> list[tuple]:
        """(name, column reader or None for DRF's path, converter or None to keep the value, field) per field."""
        plan = self.__dict__.get("_cached_read_plan")
        if plan is None:
            plan = self.__dict__["_cached_read_plan"] = [self._field_plan(field) for field in self._readable_fields]
        return plan

    def _field_plan(self, field) -> tuple:
        column = self._model_column(field.source)
        if column is None:
            return field.field_name, None, None, field
        if isinstance(field, relations.PrimaryKeyRelatedField) and field.pk_field is None:
            if not column.is_relation:
                return field.field_name, None, None, field
            return field.field_name, attrgetter(column.attname), None, field
        if column.is_relation:
            return field.field_name, None, None, field
        if isinstance(field, fields.DateTimeField) and not hasattr(field, "timezone"):
            # DRF asks Django for the current time zone on every value; it cannot change within a request.
            field.timezone = field.default_timezone()
        return field.field_name, attrgetter(column.attname), field.to_representation, field

    def _model_column(self, source: str) -> models.Field | None:
        """The concrete model field a source names directly, or None (dotted paths, properties, methods)."""
        if "." in source or source == "*":
            return None
        try:
            model_field = self.Meta.model._meta.get_field(source)
        except FieldDoesNotExist:  # a property or a method
            return None
        if not getattr(model_field, "concrete", False) or model_field.many_to_many:
            return None
        return model_field
