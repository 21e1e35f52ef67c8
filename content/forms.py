"""Forms of the content admin."""

from django import forms
from django.contrib.admin import helpers


class ReleaseVersionActionForm(helpers.ActionForm):
    """The changelist's action bar, with what releasing a new version needs: a change note and an optional link."""

    change_note = forms.CharField(required=False, label="Change note", help_text="Needed to release a new version.")
    link = forms.CharField(required=False, label="Link")
