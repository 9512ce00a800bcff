"""Filters for lists of actions and reports, shared by the API and the web pages."""

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resolutions.models import Assembly
from wtsa_tracker.filters import (
    BooleanFilter,
    CodeMultipleChoiceFilter,
    FilterSet,
    IdChoiceFilter,
    IdFilter,
    IntegerFilter,
    MultiColumnOrderingFilter,
    SearchFilter,
)
from wtsa_tracker.forms import PersonChoiceField

from . import selectors
from .choices import (
    STAFF_BODY_KINDS,
    ActionStatus,
    AssessmentRating,
    AssessmentState,
    MeetingKind,
    Readiness,
    ReportingRecipient,
    ReportState,
    Strength,
)
from .models import Action, Assessment, Body, GoverningBodyMeeting, ProgressReport, User


class PersonFilter(filters.ModelChoiceFilter):
    """A person by the username typed in (in any case), not picked from a list;
    the box suggests people by name as one types (``views.person_suggestions``).

    A list of every account made a page 2,000 options long (issue 13). Not
    by e-mail address: the lists are open to every signed-in person, and the
    answer would tell them whose an address is.
    """

    field_class = PersonChoiceField

    def __init__(self, label: str, name: str):
        """``name``: the filter's parameter, which the box's suggestions are asked by."""
        list_id = people_list_id(name)
        super().__init__(
            queryset=User.objects.all(),
            to_field_name="username",
            # The suggestions come as the user types (htmx), as in the focal
            # point box; without JavaScript the username typed in is enough.
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "list": list_id,
                    "hx-get": reverse_lazy("person_suggestions", args=[name]),
                    "hx-trigger": "input changed delay:300ms, focus once",
                    "hx-target": f"#{list_id}",
                    "hx-swap": "outerHTML",
                    "hx-sync": "this:replace",
                }
            ),
            error_messages={"invalid_choice": _("No account has this username.")},
            label=label,
            help_text=_(
                "The person's username: type part of their name and choose them from "
                "the suggestions."
            ),
        )


# The filters that name a person, each with its box of suggestions.
PERSON_FILTERS = ("author", "focal_point")


def people_list_id(name: str) -> str:
    """The id of the suggestions list of a person filter's box."""
    return f"{name}_people"


def _council_filter(help_text: str) -> IdChoiceFilter:
    """A Council session by its id; the filterset's ``filter_council`` says what it selects."""
    return IdChoiceFilter(
        queryset=GoverningBodyMeeting.objects.filter(kind=MeetingKind.COUNCIL),
        method="filter_council",
        label=_("Council session"),
        help_text=help_text,
    )


class ActionFilterForm(forms.Form):
    """Readiness is for one Council session's period: the two come together."""

    def clean(self):
        cleaned = super().clean()
        council, readiness = cleaned.get("council"), cleaned.get("readiness")
        if readiness and not council and "council" not in self.errors:
            self.add_error(
                "council", _("Choose the Council session whose reporting period readiness is for.")
            )
        if council and not readiness:
            self.add_error(
                "readiness",
                _("Choose the readiness to list (approved, submitted, draft or missing)."),
            )
        return cleaned


class ActionFilterSet(FilterSet):
    # distinct=False: a column of the action itself never repeats a row, and
    # DISTINCT over every selected column costs more than the query it guards.
    status = filters.MultipleChoiceFilter(
        choices=ActionStatus.choices, distinct=False, label=_("Status")
    )
    owner = CodeMultipleChoiceFilter(
        field_name="owner__code",
        queryset=Body.objects.all(),
        to_field_name="code",
        label=_("Owner"),
    )
    bureau = filters.ModelChoiceFilter(
        queryset=Body.objects.filter(kind__in=STAFF_BODY_KINDS),
        to_field_name="code",
        method="filter_bureau",
        label=_("Owning Bureau"),
        help_text=_("Owned by the Bureau or by a body it supports (SG17 → TSB)."),
    )
    involves = filters.ModelChoiceFilter(
        queryset=Body.objects.filter(kind__in=STAFF_BODY_KINDS),
        to_field_name="code",
        method="filter_involves",
        label=_("Bureau involved"),
        help_text=_("Owned or contributed to by the Bureau, or by a body it supports."),
    )
    collaborator = CodeMultipleChoiceFilter(
        queryset=Body.objects.all(),
        to_field_name="code",
        method="filter_collaborator",
        label=_("Collaborator"),
    )
    resolution = IntegerFilter(field_name="resolution__number", label=_("Resolution"))
    assembly = filters.ModelChoiceFilter(
        field_name="resolution__assembly",
        queryset=Assembly.objects.all(),
        to_field_name="code",
        label=_("Assembly"),
    )
    strength = filters.MultipleChoiceFilter(
        choices=Strength.choices, distinct=False, label=_("Strength")
    )
    reports_to = filters.MultipleChoiceFilter(
        choices=ReportingRecipient.choices,
        method="filter_reports_to",
        label=_("Reports to"),
        help_text=_("A duty of the action's own item, or one written for its whole resolution."),
    )
    overdue = BooleanFilter(method="filter_overdue", label=_("Overdue"))
    target_date = filters.DateFromToRangeFilter(label=_("Target date"))
    focal_point = PersonFilter(_("Focal point"), "focal_point")
    needs_review = BooleanFilter(label=_("Needs review"))
    q = SearchFilter(method="filter_text", label=_("Text"))
    # Readiness for a Council session: the readiness page's gaps, as a list.
    council = _council_filter(_("The session whose reporting period readiness is for (its id)."))
    readiness = filters.MultipleChoiceFilter(
        choices=Readiness.choices,
        method="filter_readiness",
        label=_("Readiness for Council"),
        help_text=_(
            "Actions that report to Council, by their most advanced report for the period "
            "of the session given as council."
        ),
    )
    ordering = MultiColumnOrderingFilter(
        fields=[
            (("resolution__number", "number"), "resolution"),
            ("status", "status"),
            ("target_date", "target_date"),
            ("owner__code", "owner"),
            ("updated_at", "updated"),
        ],
        label=_("Sort by"),
    )

    class Meta:
        model = Action
        fields: list[str] = []
        form = ActionFilterForm

    def filter_bureau(self, queryset: QuerySet[Action], name: str, value: Body) -> QuerySet:
        return queryset.owned_by_bureau(value.pk) if value else queryset

    def filter_involves(self, queryset: QuerySet[Action], name: str, value: Body) -> QuerySet:
        return queryset.involving_bureau(value.pk) if value else queryset

    def filter_collaborator(self, queryset: QuerySet[Action], name: str, value) -> QuerySet:
        """Any of the chosen bodies collaborates: EXISTS, so no row repeats and no DISTINCT."""
        if not value:
            return queryset
        collaborates = Action.collaborators.through.objects.filter(
            action=OuterRef("pk"), body__in=value
        )
        return queryset.filter(Exists(collaborates))

    def filter_reports_to(self, queryset: QuerySet[Action], name: str, value) -> QuerySet:
        """Any of the chosen duties: EXISTS, so no row repeats and no DISTINCT."""
        return queryset.reporting_to(value) if value else queryset

    def filter_overdue(self, queryset: QuerySet[Action], name: str, value: bool | None):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_council(self, queryset: QuerySet[Action], name: str, value) -> QuerySet:
        """The session alone selects nothing: it says which period ``readiness`` is for."""
        return queryset

    def filter_readiness(self, queryset: QuerySet[Action], name: str, value) -> QuerySet:
        if not value:
            return queryset
        period = selectors.reporting_period(self.form.cleaned_data["council"])
        return selectors.with_readiness(queryset, period).filter(readiness__in=value)

    def filter_text(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(clause__text__icontains=word)
                | Q(clause__addressee__icontains=word)
                | Q(resolution__title__icontains=word)
                | Q(owner__code__iexact=word)
            )
        return queryset


class ProgressReportFilterSet(FilterSet):
    # distinct=False: the report's own column repeats no row (see ActionFilterSet.status).
    state = filters.MultipleChoiceFilter(
        choices=ReportState.choices, distinct=False, label=_("State")
    )
    action = IdFilter(field_name="action", label=_("Action"))
    resolution = IntegerFilter(field_name="action__resolution__number", label=_("Resolution"))
    # The Bureau a report is filed for: only Bureaux (and the GS) file reports.
    bureau = filters.ModelChoiceFilter(
        queryset=Body.objects.filter(kind__in=STAFF_BODY_KINDS),
        to_field_name="code",
        label=_("Bureau"),
    )
    author = PersonFilter(_("Author"), "author")
    report_date = filters.DateFromToRangeFilter(label=_("Date"))
    period = filters.DateFromToRangeFilter(
        method="filter_period",
        label=_("Period"),
        help_text=_("Reports whose period overlaps these dates."),
    )
    council = _council_filter(_("Reports whose period overlaps the session's reporting period."))
    ordering = filters.OrderingFilter(
        fields=[("report_date", "date"), ("updated_at", "updated")], label=_("Sort by")
    )

    class Meta:
        model = ProgressReport
        fields: list[str] = []

    def filter_period(self, queryset: QuerySet[ProgressReport], name: str, value: slice | None):
        if not value:
            return queryset
        # django-filter hands dates over as the first and last moment of the days.
        if value.start is not None:
            queryset = queryset.filter(period_end__gte=value.start.date())
        if value.stop is not None:
            queryset = queryset.filter(period_start__lte=value.stop.date())
        return queryset

    def filter_council(
        self, queryset: QuerySet[ProgressReport], name: str, value: GoverningBodyMeeting | None
    ) -> QuerySet:
        if value is None:
            return queryset
        period = selectors.reporting_period(value)
        return queryset.filter(period_start__lte=period.end, period_end__gte=period.start)


# --- Resolution 83 assessments (issue 9b) ----------------------------------------


class AssessmentFilterSet(FilterSet):
    resolution = IntegerFilter(field_name="resolution__number", label=_("Resolution"))
    assembly = filters.CharFilter(field_name="resolution__assembly__code", label=_("Assembly"))
    meeting = IdFilter(field_name="meeting", label=_("Council session"))
    state = filters.MultipleChoiceFilter(choices=AssessmentState.choices, label=_("State"))
    rating = filters.MultipleChoiceFilter(choices=AssessmentRating.choices, label=_("Rating"))

    class Meta:
        model = Assessment
        fields: list[str] = []
