"""Fails when an API route has no test: every list/detail route needs a case in resources.py, every other
route (actions, exports, creates) an entry in ACTION_TESTS naming a test that exists."""

import importlib

from django.urls import get_resolver

from program.api.root_urls import app_url_modules

from .resources import ACTION_TESTS, CASES


def api_routes() -> set[str]:
    routes = set()
    for module in app_url_modules:
        for _prefix, _viewset, basename in module.router.registry:
            for pattern in module.urlpatterns:
                if not pattern.name.startswith(f"{basename}-") or pattern.name.endswith("-detail"):
                    continue
                name = f"{module.app_name}:{pattern.name}"
                if pattern.name.endswith("-list"):
                    if "post" in pattern.callback.actions:
                        routes.add(f"{name} POST")
                    continue
                routes.add(name)
    return routes


def test_every_resource_has_a_case():
    registered = {f"{m.app_name}:{basename}" for m in app_url_modules for _p, _v, basename in m.router.registry}
    assert registered == {case.route for case in CASES}


def test_every_action_has_a_named_test():
    assert api_routes() == set(ACTION_TESTS)
    for test_path in ACTION_TESTS.values():
        module_name, function_name = test_path.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module_name), function_name, None)), test_path


def test_api_is_mounted():
    assert get_resolver().resolve("/api/people/").url_name == "person-list"
