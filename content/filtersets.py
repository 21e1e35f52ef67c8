"""Filters of content items, their versions and refresh tickets."""

from django_filters import rest_framework as filters

from program.api.filters import DateRangeFilter, DateTimeRangeFilter, IdFilter

from .choices import ContentKind, ContentStatus, RefreshSource, RefreshStatus
from .models import ContentItem, ContentVersion, LearningPath, RefreshTicket


class ContentItemFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ContentKind.choices)
    status = filters.ChoiceFilter(choices=ContentStatus.choices)
    skill = IdFilter(field_name="skills", distinct=True)
    owner = IdFilter(field_name="owner_id")
    review_by = DateRangeFilter()

    class Meta:
        model = ContentItem
        fields = ["kind", "status", "skill", "owner", "review_by"]


class ContentVersionFilterSet(filters.FilterSet):
    item = IdFilter(field_name="item_id")
    published_at = DateTimeRangeFilter()

    class Meta:
        model = ContentVersion
        fields = ["item", "published_at"]


class RefreshTicketFilterSet(filters.FilterSet):
    item = IdFilter(field_name="item_id")
    status = filters.ChoiceFilter(choices=RefreshStatus.choices)
    source = filters.ChoiceFilter(choices=RefreshSource.choices)
    owner = IdFilter(field_name="owner_id")
    due_on = DateRangeFilter()

    class Meta:
        model = RefreshTicket
        fields = ["item", "status", "source", "owner", "due_on"]


class LearningPathFilterSet(filters.FilterSet):
    role = IdFilter(field_name="role_id")

    class Meta:
        model = LearningPath
        fields = ["role"]
