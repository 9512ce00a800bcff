"""The filterset base: one form class per filterset class, fresh fields for each form."""

import django_filters as filters
import pytest
from django.core.exceptions import ImproperlyConfigured

from actions.filtersets import ActionFilterSet
from actions.models import Action, Body
from resolutions.filtersets import ResolutionFilterSet
from resolutions.models import Resolution
from wtsa_tracker.filters import FilterSet


def test_a_filterset_class_builds_its_form_class_once_and_each_form_its_own_fields():
    first = ActionFilterSet({"status": ["completed"]}, queryset=Action.objects.none())
    second = ActionFilterSet({}, queryset=Action.objects.none())

    assert first.get_form_class() is second.get_form_class()
    assert first.form.fields["status"] is not second.form.fields["status"]
    assert first.form.fields["owner"].queryset is not second.form.fields["owner"].queryset


def test_each_filterset_class_has_a_form_class_of_its_own():
    class NarrowerActionFilterSet(ActionFilterSet):
        extra = filters.CharFilter(field_name="number")

    actions = ActionFilterSet({}, queryset=Action.objects.none()).get_form_class()
    narrower = NarrowerActionFilterSet({}, queryset=Action.objects.none()).get_form_class()
    resolutions = ResolutionFilterSet({}, queryset=Resolution.objects.none()).get_form_class()

    assert "extra" in narrower.base_fields
    assert "extra" not in actions.base_fields
    assert "owner" not in resolutions.base_fields


@pytest.mark.django_db
def test_a_form_reads_its_own_data_whatever_the_form_before_it():
    assert ActionFilterSet({"status": ["bogus"]}, queryset=Action.objects.all()).is_valid() is False
    fine = ActionFilterSet({"status": ["completed"]}, queryset=Action.objects.all())
    assert fine.is_valid(), fine.errors
    assert fine.form.cleaned_data["status"] == ["completed"]


def test_a_filter_whose_choices_depend_on_the_request_is_refused():
    class PerRequestFilterSet(FilterSet):
        owner = filters.ModelChoiceFilter(queryset=lambda request: Body.objects.all())

        class Meta:
            model = Action
            fields: list[str] = []

    with pytest.raises(ImproperlyConfigured, match="PerRequestFilterSet.owner"):
        PerRequestFilterSet({}, queryset=Action.objects.none()).is_valid()
