"""Forms of the content admin."""

from django import forms
from django.contrib.admin import helpers

from .models import ContentVersion, RefreshTicket


class ReleaseVersionActionForm(helpers.ActionForm):
    """The changelist's action bar, with what releasing a new version needs: a change note and an optional link."""

    change_note = forms.CharField(required=False, label="Change note", help_text="Needed to release a new version.")
    link = forms.CharField(required=False, label="Link")


class ContentVersionReleaseForm(forms.ModelForm):
    """Releasing a version in the admin: what triggered it, and the open refresh tickets it answers (closed by it)."""

    refresh_tickets = forms.ModelMultipleChoiceField(
        queryset=RefreshTicket.objects.filter(closed_at__isnull=True, item__isnull=False).select_related("item"),
        required=False,
        help_text="Open tickets of this item that the new version answers; they close with it.",
    )

    class Meta:
        model = ContentVersion
        fields = ["item", "change_note", "link", "trigger"]
