"""Admin wiring shared by every app: append-only evidence, service refusals shown as errors, and actions that
report per object.

The admin only wires forms and actions to services. A service refuses with a `ValidationError`; these helpers make
sure the L&D admin sees that refusal as a message on the page, never as a server error.
"""

from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class EvidenceAdminMixin:
    """Evidence and audit records (statements, sync runs, quarantine, attempts, sign-offs, grants, readiness, the
    audit trail...): the admin shows them and nobody, superusers included, changes or deletes them here.

    Nothing is added here either, unless the admin sets `added_through_service = True` and its `save_model` calls
    the service that records the row (attempts, sign-offs, gate exceptions, API tokens); then adding still needs the
    model's add permission. Corrections go through the record's own flow (void, revoke, end, re-process), which
    keeps the original and audits who did what.
    """

    added_through_service = False

    def has_add_permission(self, request, *args):
        return self.added_through_service and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceRefusalAsFormErrorMixin:
    """A `ValidationError` raised while saving (by a service) is shown as a form error, and nothing is saved.

    Saving runs inside the admin's transaction, so the refusal rolls back every write of the request; the form is
    then validated again with the refusal added as a non-field error, so the admin sees their input and the reason.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST":
                raise
            request.service_refusal = refusal.messages
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        if not refusal:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                super().clean()
                raise ValidationError(refusal)

        return RefusedForm


def adopt_saved(obj, saved) -> None:
    """Make the admin's unsaved form instance stand for the row a service created (for the log and redirect)."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj._state.db = saved._state.db


def apply_to_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable,
    apply: Callable[[object], str],
) -> None:
    """Run a service on each selected object; report each success and each refusal as its own message.

    `apply` calls the service and returns the success message; a `ValidationError` it raises becomes an error
    message naming the object, and the other objects are still processed.
    """
    for obj in objects:
        try:
            done = apply(obj)
        except ValidationError as refusal:
            modeladmin.message_user(request, f"{obj}: {' '.join(refusal.messages)}", messages.ERROR)
        else:
            modeladmin.message_user(request, done, messages.SUCCESS)
