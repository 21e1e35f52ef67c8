"""The dashboards' filters: service, region, team, role and date range, limited to what the viewer may see.

Bad input never fails a page: an unknown choice or a reversed range is reported on the form and ignored.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import F
from django.utils import timezone

from program.models import Region, Role, Service, Team

from .access import Viewer

DEFAULT_RANGE_DAYS = 182
MAX_RANGE_DAYS = 3 * 366


@dataclass(frozen=True)
class Filters:
    """The cleaned filters a selector applies (None: not filtered)."""

    service: Service | None
    region: Region | None
    team: Team | None
    role: Role | None
    start: datetime.date
    end: datetime.date
    team_scope: frozenset[int] | None  # the viewer's teams (a manager), or None for everything

    def team_ids(self) -> frozenset[int] | None:
        """The teams to read: the chosen team, within the viewer's scope."""
        if self.team is not None:
            return frozenset({self.team.pk})
        return self.team_scope


class DashboardFilterForm(forms.Form):
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), required=False, to_field_name="slug", empty_label="All services"
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), required=False, to_field_name="code", empty_label="All regions"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, to_field_name="slug", empty_label="All teams"
    )
    role = forms.ModelChoiceField(
        queryset=Role.objects.none(), required=False, to_field_name="key", empty_label="All roles"
    )
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, viewer: Viewer, fields: tuple[str, ...]):
        super().__init__(data)
        self.viewer = viewer
        teams = Team.objects.order_by("name")
        if viewer.team_scope is not None:
            teams = teams.filter(pk__in=viewer.team_scope)
        self.fields["service"].queryset = Service.objects.order_by(
            F("checkout_path_position").asc(nulls_last=True), "name"
        )
        self.fields["region"].queryset = Region.objects.order_by("name")
        self.fields["team"].queryset = teams
        self.fields["role"].queryset = Role.objects.order_by("name")
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the range comes before its start.")
        elif start and end and (end - start).days > MAX_RANGE_DAYS:
            self.add_error("start", f"A range is at most {MAX_RANGE_DAYS} days.")
        return cleaned

    def filters(self) -> Filters:
        """The valid filters (invalid ones are left out, and shown on the form)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        valid = {name: value for name, value in data.items() if name not in self.errors}
        today = timezone.localdate()
        end = valid.get("end") or today
        start = valid.get("start") or end - datetime.timedelta(days=DEFAULT_RANGE_DAYS)
        if start > end:
            start, end = end - datetime.timedelta(days=DEFAULT_RANGE_DAYS), end
        return Filters(
            service=valid.get("service"),
            region=valid.get("region"),
            team=valid.get("team"),
            role=valid.get("role"),
            start=start,
            end=end,
            team_scope=self.viewer.team_scope,
        )


def filters_for(request, viewer: Viewer, *, fields: tuple[str, ...]) -> tuple[DashboardFilterForm, Filters]:
    form = DashboardFilterForm(request.GET or None, viewer=viewer, fields=fields)
    if form.is_bound:
        form.is_valid()
    return form, form.filters()
