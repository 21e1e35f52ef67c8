"""Forms of the equity admin."""

from django import forms

from .choices import EquityDimension
from .models import EquityAudit


class EquityAuditAdminForm(forms.ModelForm):
    """Dimensions are picked from the known ones instead of typed as JSON."""

    dimensions = forms.MultipleChoiceField(choices=EquityDimension.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = EquityAudit
        # `run_at` is set by the audit run that writes the findings, never typed in.
        fields = ["dimensions", "window_start", "window_end", "parameters"]
