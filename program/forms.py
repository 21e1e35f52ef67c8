"""Forms of the org's admin pages."""

from django import forms
from django.utils import timezone

from .models import Person


class PersonAdminForm(forms.ModelForm):
    """A person's admin form: joining needs a team, and a team or role change takes effect from a date."""

    moved_on = forms.DateField(
        required=False,
        label="Team or role change effective from",
        help_text="Only used when the team or role changes; defaults to today. The old membership ends that day.",
    )

    class Meta:
        model = Person
        fields = [
            "full_name",
            "email",
            "user",
            "active",
            "team",
            "role",
            "manager",
            "coach",
            "start_date",
            "region",
            "shift",
            "working_language",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "team" in self.fields:
            # Joining opens a membership on a team; a person already on a team moves rather than leaves.
            self.fields["team"].required = self.instance._state.adding or self.instance.team_id is not None

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance._state.adding and self.instance.role_id and not cleaned_data.get("role"):
            self.add_error("role", "A role can be changed, not cleared: the membership history keeps one per stretch.")
        return cleaned_data

    def clean_moved_on(self):
        return self.cleaned_data["moved_on"] or timezone.localdate()
