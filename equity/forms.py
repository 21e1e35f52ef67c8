"""Forms of the equity admin."""

from django import forms

from .choices import EquityDimension
from .constants import DEFAULT_MINIMUM_CELL_SIZE, DEFAULT_SEED
from .models import EquityAudit


class EquityAuditAdminForm(forms.ModelForm):
    """Ask for an audit: a role, a window, dimensions picked from the known ones, the cell size and the seed."""

    dimensions = forms.MultipleChoiceField(
        choices=EquityDimension.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=EquityDimension.values,
        help_text="Each is audited alone and in pairs with the others.",
    )
    minimum_cell_size = forms.IntegerField(
        min_value=2, initial=DEFAULT_MINIMUM_CELL_SIZE, help_text="No group under this many people is reported."
    )
    seed = forms.IntegerField(initial=DEFAULT_SEED, help_text="Seed of the Monte Carlo p-values (runs repeat exactly).")

    class Meta:
        model = EquityAudit
        fields = ["role", "dimensions", "window_start", "window_end"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" in self.fields:  # the change page of a stored run shows it read-only
            self.fields["role"].required = True
