"""What the hostile-input tests need to reach every writable endpoint and read everything back, worked out from
`resources.py` (writes: ACTION_TESTS; reads: CASES) and the OpenAPI schema (each body's fields), so a new
endpoint is covered without touching these tests."""

import functools
import json
from dataclasses import dataclass
from urllib.parse import unquote

from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from program.api.pagination import TimeCursorPagination
from program.api.root_urls import app_url_modules

from .resources import ACTION_TESTS, CASES

WRITE_METHODS = ("post", "put", "patch", "delete")
_PLACEHOLDER_ID = 987654321


@dataclass(frozen=True)
class WriteOperation:
    """One writable route: its name, HTTP method, whether it needs an object, and its resource's case."""

    route: str  # "<namespace>:<url name>"
    method: str
    detail: bool
    case_route: str  # "<namespace>:<basename>" of the resource it belongs to

    def __str__(self):
        return f"{self.method.upper()} {self.route}"

    def url(self, pk: int | None = None) -> str:
        return reverse(self.route, kwargs={"pk": pk} if self.detail else {})

    def body_fields(self) -> list[str]:
        """The JSON body's property names, from the schema."""
        path = unquote(self.url(_PLACEHOLDER_ID)).replace(str(_PLACEHOLDER_ID), "{id}")
        schema = api_schema()
        operation = schema["paths"][path][self.method]
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        if "$ref" in body:
            body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
        return sorted(body.get("properties", {}))


@functools.cache
def api_schema() -> dict:
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


def _patterns():
    for module in app_url_modules:
        for pattern in module.urlpatterns:
            yield module.app_name, pattern


def write_operations() -> list[WriteOperation]:
    """Every route in ACTION_TESTS that accepts a write method."""
    operations = []
    for key in ACTION_TESTS:
        route = key.removesuffix(" POST")
        namespace, name = route.split(":")
        for app_name, pattern in _patterns():
            if app_name != namespace or pattern.name != name:
                continue
            methods = [m for m in pattern.callback.actions if m in WRITE_METHODS]
            if key.endswith(" POST"):
                methods = ["post"]
            basename = next(b for _p, _v, b in _registry(namespace) if name.startswith(f"{b}-"))
            detail = "pk" in pattern.pattern.regex.groupindex
            operations += [WriteOperation(route, method, detail, f"{namespace}:{basename}") for method in methods]
    return operations


def _registry(namespace: str):
    return next(module.router.registry for module in app_url_modules if module.app_name == namespace)


def case_for(route: str):
    return next(case for case in CASES if case.route == route)


def viewset_for(route: str):
    namespace, basename = route.split(":")
    return next(viewset for _p, viewset, b in _registry(namespace) if b == basename)


def list_urls() -> list[str]:
    """Every resource's list, and every CSV export."""
    urls = [reverse(f"{case.route}-list") for case in CASES]
    urls += [reverse(route) for route in ACTION_TESTS if route.endswith("-export")]
    return urls


def cursor_paginated_routes() -> list[str]:
    return [
        case.route
        for case in CASES
        if isinstance(getattr(viewset_for(case.route), "pagination_class", None), type)
        and issubclass(viewset_for(case.route).pagination_class, TimeCursorPagination)
    ]


def filter_parameters(route: str) -> list[str]:
    """The query parameters of a resource's FilterSet (a range filter is two: `<name>_after`, `<name>_before`)."""
    filterset_class = viewset_for(route).filterset_class
    return sorted(filterset_class().form.fields)


def page_urls(org) -> list[str]:
    """The server-rendered pages that show people's evidence and readiness."""
    return [
        reverse("home"),
        reverse("assessments:coach-queue"),
        reverse("assessments:learner-home"),
        reverse("assessments:coach-learner", args=[org.learner.pk]),
    ]
