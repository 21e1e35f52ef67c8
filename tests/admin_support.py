"""Helpers for admin tests: URLs, form data as the browser would post it, and query counts."""

import datetime
from decimal import Decimal

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, AdminForm
from django.db import connection
from django.forms import JSONField, ModelMultipleChoiceField, MultipleChoiceField, MultiWidget
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def admin_url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _as_post_value(field, value):
    if value is None:
        return ""
    if isinstance(field, JSONField) and isinstance(value, str):
        return value  # already the JSON text the page shows (encoding it again would post a JSON string)
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple | set):
        return [str(item) for item in value]
    if isinstance(value, datetime.date | Decimal | int | float):
        return str(value)
    if isinstance(field, JSONField) and isinstance(value, str):
        return value  # BoundField.value() already encoded it: encoding again would post a JSON string
    return field.prepare_value(value)


def _add_form(data: dict, form) -> None:
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{key}_{index}"] = _as_post_value(field, part)
            continue
        if isinstance(field, MultipleChoiceField | ModelMultipleChoiceField) and not value:
            continue  # nothing selected: a browser posts no value at all
        post_value = _as_post_value(field, value)
        if post_value != "" or not isinstance(value, bool):
            data[key] = post_value


def page_form_data(response) -> dict:
    """Everything a change or add page would post back unchanged: the main form and every inline formset."""
    admin_form: AdminForm = response.context["adminform"]
    data: dict = {}
    _add_form(data, admin_form.form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.initial_forms:
            _add_form(data, form)
    return data


def post_admin_form(client, url: str, changes: dict):
    """GET an admin form page, apply `changes` to what it would post, and POST it."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, page_form_data(page) | changes)


def inline_row(prefix: str, index: int, fields: dict) -> dict:
    """POST data for one new inline row (the caller raises the formset's TOTAL_FORMS)."""
    return {f"{prefix}-{index}-{name}": value for name, value in fields.items()}


def query_count(client, url: str) -> int:
    """How many queries one GET of `url` runs (and check it rendered)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def error_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"] if message.level_tag == "error"]


def all_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def run_action(client, model, action: str, objects, **extra):
    """Run a changelist action on some rows and follow the redirect, so the messages can be read."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra}
    return client.post(admin_url(model), data, follow=True)
