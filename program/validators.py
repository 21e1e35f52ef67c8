"""The shapes and limits every stored value must fit, declared once and used by every way in: the API (through
the model fields' validators, which DRF's model serializers inherit), the admin (model forms), the services'
`full_clean()` (the LRS import, CSV imports and the demo loader write through services), and the LRS parser.

Text must be storable: no lone surrogates (they cannot be encoded as UTF-8, so PostgreSQL, SQLite and the JSON
renderer all fail on them) and no NUL characters (PostgreSQL refuses them in text and in `jsonb`). JSON columns
declare a shape (`StringList`, `JsonObject`, `ObjectList`): a list of at most N strings of at most M characters,
or an object with a bounded depth and size. `ShapedJSONField` carries its shape as a validator and, on read, hands
back a value that fits the shape even when an older row does not (see `repair_stored_values` for the command that
reports and repairs such rows).
"""

import json
import math
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.fields.json import KeyTransform
from django.utils.deconstruct import deconstructible

# Free-text limits (characters). A reason or a note is a paragraph or a few, never a document.
NAME_MAX_LENGTH = 200
REASON_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 10_000
DESCRIPTION_MAX_LENGTH = 10_000
RAW_STATEMENT_MAX_LENGTH = 1_000_000  # an xAPI statement as received, kept whole for re-processing

# JSON limits of request bodies (program.api.parsers) and of free-form JSON columns.
JSON_MAX_DEPTH = 16
JSON_BODY_MAX_BYTES = 1_000_000
_SURROGATE = re.compile("[\ud800-\udfff]")
_SAFE_INTEGER = 2**53  # beyond it JavaScript clients lose digits, and PostgreSQL's bigint ends at 2**63


def text_problem(value: str) -> str | None:
    """Why this text cannot be stored, or None."""
    if "\x00" in value:
        return "Text cannot contain NUL (\\x00) characters."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Text must be valid Unicode: it holds a lone surrogate (e.g. \\ud800) that UTF-8 cannot encode."
    return None


def validate_storable_text(value) -> None:
    """Field validator: text without lone surrogates or NUL characters."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValidationError(problem, code="unstorable_text")


def storable_text(value: str) -> str:
    """The text with lone surrogates replaced by U+FFFD and NUL characters dropped (for rendering and repair)."""
    if text_problem(value) is None:
        return value
    return _SURROGATE.sub("\ufffd", value).replace("\x00", "")


def text_validators(max_length: int) -> list:
    """The validators of a free-text column: a maximum length (a TextField's `max_length` alone only sizes the
    admin's widget) and storable text."""
    return [MaxLengthValidator(max_length), validate_storable_text]


def json_problem(value: Any, *, max_depth: int = JSON_MAX_DEPTH, path: str = "") -> str | None:
    """The first reason this JSON value cannot be stored or rendered (depth, text, numbers), or None.

    Iterative, so a value nested thousands deep is measured rather than overflowing the stack."""
    stack = [(value, 1, path)]
    while stack:
        item, depth, where = stack.pop()
        if depth > max_depth:
            return f"{where or 'value'}: nested deeper than {max_depth} levels."
        if isinstance(item, str):
            if problem := text_problem(item):
                return f"{where or 'value'}: {problem}"
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if abs(item) > _SAFE_INTEGER:
                return f"{where or 'value'}: integers must lie within ±2**53."
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"{where or 'value'}: numbers must be finite."
        elif isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    return f"{where or 'value'}: object keys must be strings."
                if problem := text_problem(key):
                    return f"{where or 'value'}: a key: {problem}"
                stack.append((child, depth + 1, f"{where}.{key}" if where else key))
        elif isinstance(item, list | tuple):
            stack.extend((child, depth + 1, f"{where}[{index}]") for index, child in enumerate(item))
        else:
            return f"{where or 'value'}: {type(item).__name__} is not a JSON value."
    return None


def _json_text(value: Any) -> str:
    """A readable JSON rendering of any stored value (for coercing a wrong type into a string)."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        return repr(value)


@deconstructible
class JsonShape:
    """A declared shape of a JSON column: a validator (`__call__`), a test (`fits`) and a repair (`coerce`)."""

    description = "JSON"

    def __call__(self, value) -> None:
        if problem := self.problem(value):
            raise ValidationError(problem, code="json_shape")

    def problem(self, value) -> str | None:
        raise NotImplementedError

    def fits(self, value) -> bool:
        return self.problem(value) is None

    def coerce(self, value):
        """The nearest value that fits: what a read shows for an older row, and what `--repair` stores."""
        raise NotImplementedError

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self):
        return hash((type(self), tuple(sorted(self.__dict__.items()))))


@deconstructible
class StringList(JsonShape):
    """A list of at most `max_items` strings of at most `max_length` characters each."""

    def __init__(self, *, max_items: int, max_length: int):
        self.max_items = max_items
        self.max_length = max_length

    @property
    def description(self) -> str:
        return f"a list of at most {self.max_items} strings of at most {self.max_length} characters"

    def problem(self, value) -> str | None:
        if not isinstance(value, list):
            return f"Must be {self.description}, not {type(value).__name__}."
        if len(value) > self.max_items:
            return f"Must be {self.description}: it holds {len(value)} items."
        for index, item in enumerate(value):
            if not isinstance(item, str):
                return f"Item {index} must be a string, not {type(item).__name__}."
            if len(item) > self.max_length:
                return f"Item {index} is longer than {self.max_length} characters."
            if problem := text_problem(item):
                return f"Item {index}: {problem}"
        return None

    def coerce(self, value) -> list[str]:
        if value is None or value == {} or value == "":
            items = []
        elif isinstance(value, list):
            items = value
        else:
            items = [value]
        return [
            storable_text(item if isinstance(item, str) else _json_text(item))[: self.max_length]
            for item in items[: self.max_items]
        ]


@deconstructible
class JsonObject(JsonShape):
    """A JSON object (string keys) at most `max_depth` levels deep and `max_bytes` long when encoded."""

    def __init__(self, *, max_depth: int = 6, max_bytes: int = 20_000):
        self.max_depth = max_depth
        self.max_bytes = max_bytes

    description = "a JSON object"

    def problem(self, value) -> str | None:
        if not isinstance(value, dict):
            return f"Must be a JSON object, not {type(value).__name__}."
        if problem := json_problem(value, max_depth=self.max_depth):
            return problem
        if len(json.dumps(value)) > self.max_bytes:
            return f"Must be at most {self.max_bytes} bytes of JSON."
        return None

    def coerce(self, value) -> dict:
        if self.fits(value):
            return value
        text = storable_text(_json_text(value))
        return {"unreadable_value": text[: self.max_bytes // 2]}


@deconstructible
class ObjectList(JsonShape):
    """A list of at most `max_items` JSON objects (each bounded like `JsonObject`): computed summaries."""

    def __init__(self, *, max_items: int, max_depth: int = 4, max_bytes: int = 200_000):
        self.max_items = max_items
        self.max_depth = max_depth
        self.max_bytes = max_bytes

    description = "a list of JSON objects"

    def problem(self, value) -> str | None:
        if not isinstance(value, list):
            return f"Must be a list of JSON objects, not {type(value).__name__}."
        if len(value) > self.max_items:
            return f"Must hold at most {self.max_items} items."
        if any(not isinstance(item, dict) for item in value):
            return "Every item must be a JSON object."
        if problem := json_problem(value, max_depth=self.max_depth):
            return problem
        if len(json.dumps(value)) > self.max_bytes:
            return f"Must be at most {self.max_bytes} bytes of JSON."
        return None

    def coerce(self, value) -> list[dict]:
        if self.fits(value):
            return value
        items = value if isinstance(value, list) else [] if value is None else [value]
        item_shape = JsonObject(max_depth=self.max_depth - 1, max_bytes=self.max_bytes // max(self.max_items, 1))
        return [item_shape.coerce(item) for item in items[: self.max_items]]


class ShapedJSONField(models.JSONField):
    """A JSONField with a declared shape: validated on `full_clean()` (so in every service, the admin and the API)
    and read defensively: a stored value off its shape (a row older than the shape) is handed back coerced to it,
    so no page, serializer or readiness recompute fails on it. `manage.py stored_values` reports and repairs them.
    """

    def __init__(self, *args, shape: JsonShape, **kwargs):
        self.shape = shape
        super().__init__(*args, **kwargs)

    @property
    def validators(self):
        return [*super().validators, self.shape]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["shape"] = self.shape
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        # A key lookup (`evidence__signoff`) reads part of the value, which the shape does not describe.
        if value is None or isinstance(expression, KeyTransform) or self.shape.fits(value):
            return value
        return self.shape.coerce(value)
