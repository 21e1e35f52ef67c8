"""Examples in the OpenAPI schema for every JSON body, so the docs show a filled-in request and answer everywhere.

An example written by hand on a view (`OpenApiExample`) stays; any other JSON body gets one built from its
schema by a drf-spectacular postprocessing hook: a property's own `example` if it has one, else a value that
fits its name, format and type. Built from the schema, the examples cannot drift from it
(tests/api/test_schema.py validates each one against its schema).
"""

import re
import zlib
from typing import Any

# Values for the property names that recur across the resources, so an example reads like real data; a
# "Component.property" key wins over a plain property name.
VALUES_BY_NAME: dict[str, Any] = {
    "UnmetCriterion.reason": "Your latest rollback drill scored 60; the bar is 80.",
    "QuarantinedStatement.reason": "result.score.scaled 1.4 is outside -1…1",
    "reassess_criteria": "rollback",
    "email": "ana.lima@example.com",
    "person_email": "ana.lima@example.com",
    "full_name": "Ana Lima",
    "username": "ana.lima",
    "requested_by": "ana.lima",
    "approved_by": "sam.coach",
    "name": "Checkout SRE readiness",
    "title": "Rolls back a bad deploy within 10 minutes",
    "slug": "payments-api",
    "key": "rollback",
    "code": "emea",
    "reason": "Holiday cover; the renewal drill is booked for next week.",
    "end_reason": "Renewal drill passed and signed off.",
    "summary": "Published version 3 of Checkout SRE readiness",
    "description": "What good looks like, with an example from a real incident.",
    "change_note": "Adds the canary rollback criterion.",
    "reflection_notes": "Led the rollback drill calmly; detection could be faster.",
    "detail": "You do not have permission to perform this action.",
    "endpoint": "https://lrs.example.com/xAPI/",
    "verb": "http://adlnet.gov/expapi/verbs/completed",
    "verb_iri": "http://adlnet.gov/expapi/verbs/completed",
    "activity": "https://readiness-portal.example/xapi/activities/scenario/lab-safe-rollback",
    "activity_iri": "https://readiness-portal.example/xapi/activities/scenario/lab-safe-rollback",
    "xapi_activity_iri": "https://readiness-portal.example/xapi/activities/scenario/lab-safe-rollback",
    "language": "en",
    "working_language": "en",
    "score": "86.50",
    "required_share": "0.600",
    "availability_target": "0.999500",
    "payment_error_rate_target": "0.002500",
}
VALUES_BY_FORMAT: dict[str, Any] = {
    "date-time": "2026-03-02T14:05:00Z",
    "date": "2026-03-02",
    "time": "14:05:00",
    "email": "ana.lima@example.com",
    "uri": "https://readiness.example.com/api/people/?page=2",
    "uuid": "3f1c2a9e-8b7d-4c61-9d2e-5a0b7c4e1f20",
    "decimal": "86.50",
    "duration": "00:12:30",
}
MAX_DEPTH = 8


def postprocess_examples(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    components = result.get("components", {}).get("schemas", {})
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            bodies = [response.get("content", {}) for response in operation.get("responses", {}).values()]
            bodies.append(operation.get("requestBody", {}).get("content", {}))
            for content in bodies:
                for media_type, body in content.items():
                    if "json" in media_type and "example" not in body and "examples" not in body:
                        body["example"] = example_of(body.get("schema", {}), components)
    return result


def example_of(
    schema: dict, components: dict, name: str | None = None, depth: int = 0, component: str | None = None
) -> Any:
    """A value that fits `schema` (OpenAPI 3.0), chosen by the property's name, format and type."""
    if "$ref" in schema:
        referenced = schema["$ref"].rsplit("/", 1)[-1]
        return example_of(components[referenced], components, name, depth, component=referenced)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return next(value for value in schema["enum"] if value is not None)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if schema.get(combinator):
            return example_of(schema[combinator][0], components, name, depth, component)
    kind = schema.get("type", "object")
    if kind == "object":
        if depth >= MAX_DEPTH:
            return {}
        properties = schema.get("properties", {})
        if not properties and isinstance(schema.get("additionalProperties"), dict):
            return {"field": example_of(schema["additionalProperties"], components, None, depth + 1)}
        return {key: example_of(sub, components, key, depth + 1, component) for key, sub in properties.items()}
    if kind == "array":
        items = schema.get("items", {})
        return [] if depth >= MAX_DEPTH else [example_of(items, components, name, depth + 1, component)]
    if kind == "boolean":
        return True
    if kind == "integer":  # ids and counts: a number per property name, so an example's ids differ
        number = zlib.crc32((name or "").encode()) % 900 + 7
        return min(max(number, schema.get("minimum", number)), schema.get("maximum", number))
    if kind == "number":
        return 0.85
    return _string_example(schema, name, component)


def _string_example(schema: dict, name: str | None, component: str | None) -> str:
    """By name, then format, then a readable default; the first candidate that fits the pattern and length."""
    generic = (name or "text").replace("_", " ").capitalize()
    by_name = [VALUES_BY_NAME.get(f"{component}.{name}"), VALUES_BY_NAME.get(name)]
    candidates = [*by_name, VALUES_BY_FORMAT.get(schema.get("format")), generic, "86.50", "a"]
    fitting = [value for value in candidates if isinstance(value, str) and _fits(value, schema)]
    return fitting[0] if fitting else generic


def _fits(value: str, schema: dict) -> bool:
    if len(value) > schema.get("maxLength", len(value)) or len(value) < schema.get("minLength", 0):
        return False
    return "pattern" not in schema or re.search(schema["pattern"], value) is not None
