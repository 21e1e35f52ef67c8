"""The API's JSON parser: DRF's, with the limits a public endpoint needs.

A body larger than JSON_BODY_MAX_BYTES, or nested deeper than JSON_MAX_DEPTH, is a 400 before any view sees it
(Python's parser overflows its stack a few thousand levels down, which was a 500 on every writable endpoint).
Text that cannot be stored (a lone surrogate such as `"\\ud800"`, which JSON allows but UTF-8 cannot encode, or a
NUL character) is a 400 naming the field it was sent in, instead of a 500 while saving or rendering it.
"""

import json

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from program.validators import JSON_BODY_MAX_BYTES, JSON_MAX_DEPTH, json_problem


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class LimitedJSONParser(JSONParser):
    """JSON bodies of bounded size and depth, holding only storable text; NaN and Infinity are refused."""

    def parse(self, stream, media_type=None, parser_context=None):
        max_bytes = getattr(settings, "API_JSON_BODY_MAX_BYTES", JSON_BODY_MAX_BYTES)
        raw = stream.read(max_bytes + 1) if stream is not None else b""
        if len(raw) > max_bytes:
            raise exceptions.ParseError(f"JSON body larger than {max_bytes} bytes.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError:
            raise exceptions.ParseError(f"JSON body nested deeper than {JSON_MAX_DEPTH} levels.") from None
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise exceptions.ParseError(f"JSON parse error - {error}") from None
        problem = json_problem(data, max_depth=JSON_MAX_DEPTH + 1)  # +1: the body itself is a level
        if problem is None:
            return data
        where, _, message = problem.partition(": ")
        field = where.split(".")[0].split("[")[0] if isinstance(data, dict) and where != "value" else ""
        if "deeper than" in message:
            message = f"nested deeper than {JSON_MAX_DEPTH} levels."
            if not field:
                raise exceptions.ParseError(f"JSON body {message}")
            raise exceptions.ValidationError({field: [f"Value {message}"]})
        raise exceptions.ValidationError({field or "non_field_errors": [f"{where}: {message}"]})
