"""Filters for the API's lists of resolutions and clauses."""

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from resolutions.choices import DIRECTIVE_VERBS, ClauseVerb, PartKind, RevisionMarker
from resolutions.models import Assembly, Clause, Resolution
from wtsa_tracker.filters import BooleanFilter, FilterSet, IntegerFilter, SearchFilter


class ResolutionFilterSet(FilterSet):
    assembly = filters.ModelChoiceFilter(
        queryset=Assembly.objects.all(), to_field_name="code", label=_("Assembly")
    )
    number = IntegerFilter(label=_("Number"))
    marker = filters.MultipleChoiceFilter(choices=RevisionMarker.choices, label=_("Marker"))
    q = SearchFilter(method="filter_text", label=_("Text"))

    class Meta:
        model = Resolution
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Resolution], name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(overview__icontains=word))
        return queryset


class ClauseFilterSet(FilterSet):
    resolution = IntegerFilter(field_name="resolution__number", label=_("Resolution"))
    assembly = filters.ModelChoiceFilter(
        field_name="resolution__assembly",
        queryset=Assembly.objects.all(),
        to_field_name="code",
        label=_("Assembly"),
    )
    part = filters.ChoiceFilter(choices=PartKind.choices, label=_("Part"))
    verb = filters.MultipleChoiceFilter(choices=ClauseVerb.choices, label=_("Verb"))
    directive = BooleanFilter(method="filter_directive", label=_("Directive"))
    withdrawn = BooleanFilter(field_name="is_withdrawn", label=_("Withdrawn"))

    class Meta:
        model = Clause
        fields: list[str] = []

    def filter_directive(self, queryset: QuerySet[Clause], name: str, value: bool | None):
        if value is None:
            return queryset
        directive = Q(verb__in=DIRECTIVE_VERBS)
        return queryset.filter(directive if value else ~directive)
