"""A real headless browser (Debian's chromium driven by Playwright) against the demo org on a live server.

The demo is loaded once for the module and committed (the server thread reads it through its own connection on
PostgreSQL), then the database is flushed and the permission groups are put back, so later tests start clean.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from program.groups import sync_group_permissions
from program.pages.charts import render_svg

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags, Chromium keeps dialling Google's hosts, which this network refuses.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
DEMO_PASSWORD = "demo-password-2026"
PAGE_TIMEOUT_MS = 120_000


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is missing (scripts/bootstrap_browser installs it)")
        pytest.skip(f"{CHROMIUM} is missing (scripts/bootstrap_browser installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which Django takes for an async context
    # and refuses database calls in (the tests' own setup and teardown): the documented way out, only while open.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield launched
            launched.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo org behind a live server (pytest-django's), for the whole module; the base URL."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        try:  # a load that fails half-way is flushed too, so no later test sees its rows
            call_command("load_demo", stdout=io.StringIO())
            render_svg({"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x"}}})  # warm
            server = LiveServer("localhost:0")
            server._live_server_modified_settings.enable()
            try:
                yield server.url
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            sync_group_permissions(apps)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def log_in(demo_site, browser):
    """Open a fresh browser context logged in as a demo user; returns (page, base_url)."""
    contexts = []

    def open_as(username: str, **context_options):
        context = browser.new_context(**context_options)
        # A page's first chart in a process starts vl-convert's JavaScript engine; on a busy CI machine, slow.
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{demo_site}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{demo_site}/")
        return page

    yield open_as
    for context in contexts:
        context.close()
