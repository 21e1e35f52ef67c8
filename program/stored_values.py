"""Find (and repair) stored values that break the shapes and limits of program/validators.py: rows written before
those rules existed, or by a path that skipped them. Used by `manage.py stored_values [--repair]`.

Reads the raw column (JSON as text, so an off-shape value is seen as stored, not as `ShapedJSONField` hands it
back), one model and column at a time, and repairs with the shape's own `coerce` (JSON) or a cut at the limit
(text): afterwards every row fits, so every read holds.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import connection, models
from django.db.models.functions import Cast, Length

from .groups import PROGRAM_APPS
from .validators import ShapedJSONField, storable_text, validate_storable_text


@dataclass(frozen=True)
class StoredValueProblem:
    """One stored value off its rules: where it is and why."""

    model: str
    pk: int
    field: str
    problem: str

    def __str__(self):
        return f"{self.model} #{self.pk} {self.field}: {self.problem}"


def _program_models() -> Iterator[type[models.Model]]:
    for label in PROGRAM_APPS:
        yield from apps.get_app_config(label).get_models()


def _json_problems(model, field: ShapedJSONField, *, repair: bool) -> Iterator[StoredValueProblem]:
    rows = model._default_manager.annotate(_raw=Cast(field.name, models.TextField())).values_list("pk", "_raw")
    for pk, raw in rows.iterator(chunk_size=2000):
        if raw is None:
            continue
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError) as error:
            value, problem = raw, f"not readable JSON ({type(error).__name__})"
        else:
            problem = field.shape.problem(value)
        if problem is None:
            continue
        if repair:
            model._default_manager.filter(pk=pk).update(**{field.name: field.shape.coerce(value)})
        yield StoredValueProblem(model._meta.label, pk, field.name, problem)


def _text_problems(model, field: models.Field, *, repair: bool) -> Iterator[StoredValueProblem]:
    limit = next((v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)), None)
    manager = model._default_manager
    if limit is not None:
        too_long = manager.annotate(_length=Length(field.name)).filter(_length__gt=limit)
        for pk, value in too_long.values_list("pk", field.name).iterator(chunk_size=500):
            if repair:
                manager.filter(pk=pk).update(**{field.name: storable_text(value)[:limit]})
            yield StoredValueProblem(model._meta.label, pk, field.name, f"longer than {limit} characters")
    if connection.vendor == "sqlite":  # PostgreSQL never stores a NUL in text; SQLite does (LIKE cannot find it)
        for pk, value in manager.values_list("pk", field.name).iterator(chunk_size=2000):
            if value is None or "\x00" not in value:
                continue
            if repair:
                manager.filter(pk=pk).update(**{field.name: storable_text(value)[: limit or None]})
            yield StoredValueProblem(model._meta.label, pk, field.name, "holds a NUL character")


def stored_value_problems(*, repair: bool = False) -> list[StoredValueProblem]:
    """Every stored value off its declared shape or limit, in every app of the program; repaired if asked."""
    found = []
    for model in _program_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, ShapedJSONField):
                found += _json_problems(model, field, repair=repair)
            elif validate_storable_text in field.validators:
                found += _text_problems(model, field, repair=repair)
    return found
