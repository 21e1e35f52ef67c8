"""Filters of content items, their versions and refresh tickets."""

from django_filters import rest_framework as filters

from program.api.filters import DateRangeFilter, DateTimeRangeFilter, IdFilter

from .choices import ContentKind, ContentStatus, MatchVerdict, RefreshSource, RefreshStatus, TicketKind, VersionTrigger
from .models import ContentItem, ContentVersion, LearningPath, RefreshTicket


class ContentItemFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ContentKind.choices)
    status = filters.ChoiceFilter(choices=ContentStatus.choices)
    skill = IdFilter(field_name="skills", distinct=True)
    owner = IdFilter(field_name="owner_id")
    review_by = DateRangeFilter()
    replaced_by = IdFilter(field_name="replaced_by_id")

    class Meta:
        model = ContentItem
        fields = ["kind", "status", "skill", "owner", "review_by", "replaced_by"]


class ContentVersionFilterSet(filters.FilterSet):
    item = IdFilter(field_name="item_id")
    published_at = DateTimeRangeFilter()
    trigger = filters.ChoiceFilter(choices=VersionTrigger.choices)
    trigger_incident = IdFilter(field_name="trigger_incident_id")

    class Meta:
        model = ContentVersion
        fields = ["item", "published_at", "trigger", "trigger_incident"]


class RefreshTicketFilterSet(filters.FilterSet):
    item = IdFilter(field_name="item_id")
    status = filters.ChoiceFilter(choices=RefreshStatus.choices)
    source = filters.ChoiceFilter(choices=RefreshSource.choices)
    owner = IdFilter(field_name="owner_id")
    due_on = DateRangeFilter()
    kind = filters.ChoiceFilter(choices=TicketKind.choices)
    verdict = filters.ChoiceFilter(choices=MatchVerdict.choices)
    incident = IdFilter(field_name="incident_id")

    class Meta:
        model = RefreshTicket
        fields = ["item", "status", "source", "owner", "due_on", "kind", "verdict", "incident"]


class LearningPathFilterSet(filters.FilterSet):
    role = IdFilter(field_name="role_id")

    class Meta:
        model = LearningPath
        fields = ["role"]
