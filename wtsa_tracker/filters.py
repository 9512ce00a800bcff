"""Filters every app's filtersets share: yes/no that refuses nonsense, multi-column sorting."""

import datetime

import django_filters as filters
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

# The largest values the columns hold on every database the tracker runs on:
# numbers are PostgreSQL integers, ids bigints. A larger value in a filter is
# an error for the user, not an overflow in the database.
NUMBER_MAX = 2**31 - 1
ID_MAX = 2**63 - 1


def parse_id(value: str) -> int | None:
    """An object's id as typed in a form or an address, or None if it cannot be one.

    Only ASCII digits ("²" and "٣" are digits to Python's ``int``, "1_0" and
    " 12 " are numbers to it), and within the range of an id.
    """
    # Longer than any id: never read (Python refuses to read 4,300 digits and more).
    if not (value.isascii() and value.isdecimal()) or len(value) > len(str(ID_MAX)):
        return None
    number = int(value)
    return number if 0 < number <= ID_MAX else None


class IntegerFilter(filters.NumberFilter):
    """A whole number within what the column can hold: ``?resolution=73``, not 73.5."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", NUMBER_MAX)
        super().__init__(*args, **kwargs)


# A text search is bounded: each word adds a condition over several columns,
# and a query string of 2,000 words held a worker for seconds before failing.
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 10


def validate_search_words(value: str) -> None:
    words = len(value.split())
    if words > SEARCH_MAX_WORDS:
        raise ValidationError(
            _("Search for at most %(limit)d words; this search has %(count)d."),
            code="too_many_words",
            params={"limit": SEARCH_MAX_WORDS, "count": words},
        )


class SearchFilter(filters.CharFilter):
    """Words that must all appear (its method says where): at most 10 words, 200 characters."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("validators", [validate_search_words])
        super().__init__(*args, **kwargs)


class IdFilter(IntegerFilter):
    """An object's id: a whole number up to the largest bigint."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class _StrictNullBooleanSelect(forms.NullBooleanSelect):
    """Hands an unreadable value on to the field, instead of reading it as "any"."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        # "2" and "3" are Django's old codes for yes and no, which this site never
        # writes: handed on (and refused) rather than read as a yes or a no.
        if raw in {"2", "3"} or (value is None and raw not in (None, "", "unknown")):
            return raw
        return value


class _StrictNullBooleanField(forms.NullBooleanField):
    widget = _StrictNullBooleanSelect

    def to_python(self, value):
        result = super().to_python(value)
        if result is None and value not in (None, "", "unknown"):
            # In the words of the control (Yes, No, Any), with the values the API takes.
            raise ValidationError(
                _("“%(value)s” is neither Yes nor No: choose Yes (true), No (false) or Any."),
                code="invalid",
                params={"value": value},
            )
        return result


class BooleanFilter(filters.BooleanFilter):
    """A yes/no filter that refuses ``?overdue=maybe`` instead of ignoring it."""

    field_class = _StrictNullBooleanField


class MultiColumnOrderingFilter(filters.OrderingFilter):
    """An OrderingFilter whose fields may be tuples of columns, sorted on in turn.

    "Sort by resolution" means by resolution number, then by action number;
    django-filter's own OrderingFilter would pass the tuple as one name.
    """

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            if param in EMPTY_VALUES:
                continue
            descending = param.startswith("-")
            columns = self.param_map[param.removeprefix("-")]
            for column in columns if isinstance(columns, tuple) else (columns,):
                ordering.append(f"-{column}" if descending else column)
        return qs.order_by(*ordering)


@extend_schema_field(OpenApiTypes.STR)
class CodeMultipleChoiceFilter(filters.ModelMultipleChoiceFilter):
    """Objects chosen by their code (``owner=TSB&owner=BDT``).

    Its lookup names the code (``owner__code``) as well as ``to_field_name``,
    which drf-spectacular cannot follow to a model field: the schema says string.
    """


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(filters.ModelChoiceFilter):
    """An object chosen by its id, for a filter with a method of its own.

    drf-spectacular cannot follow such a filter to a model field: the schema says integer.
    """


GIVEN_TWICE_MESSAGE = _(
    "Give this filter once: it takes one value, and %(count)d were given (%(values)s)."
)


class SingleValueForm(forms.Form):
    """A filter form that refuses a one-value filter given twice (``?bureau=TSB&bureau=BDT``).

    Django reads the last of them and would list BDT's actions alone, as if
    that were the answer to both.
    """

    def clean(self):
        cleaned = super().clean()
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return cleaned
        for name, field in self.fields.items():
            if getattr(field.widget, "allow_multiple_selected", False):
                continue
            values = getlist(self.add_prefix(name))
            if len(values) > 1:
                self.add_error(
                    name,
                    GIVEN_TWICE_MESSAGE
                    % {"count": len(values), "values": ", ".join(str(v)[:40] for v in values[:5])},
                )
        return cleaned


REVERSED_RANGE_MESSAGE = _(
    "The first date (%(start)s) is after the last (%(end)s): no row could match. Swap them."
)


class OrderedRangeForm(forms.Form):
    """A filter form that refuses a date range whose first day comes after its last
    (``?target_date_after=2027-01-01&target_date_before=2020-01-01``): an empty
    list would pass for "nothing matches" when the range itself is wrong."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            reversed_range = (
                isinstance(value, slice)
                and isinstance(value.start, datetime.date)
                and isinstance(value.stop, datetime.date)
                and value.start > value.stop
            )
            if reversed_range:
                self.add_error(
                    name,
                    REVERSED_RANGE_MESSAGE
                    % {"start": f"{value.start:%Y-%m-%d}", "end": f"{value.stop:%Y-%m-%d}"},
                )
        return cleaned


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet, whose form class is built once per filterset class.

    django-filter builds a new form class, with a new field for each filter,
    for every filterset it makes: some 0.7 ms of each list request for the
    action list's eighteen filters (issue 13). Our filters' fields are the
    same on every request, so the class is built once; each form still gets
    fields of its own (Django's forms copy them). A filter whose choices
    depend on the request (a callable ``queryset``) would need a form of its
    own each time, and is refused. Labels are read once too: every filter
    names its own with a lazy translation, which follows each request's language.
    """

    def get_form_class(self) -> type[forms.Form]:
        cls = type(self)
        # Looked up on this class alone: a subclass has filters of its own.
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            for name, filter_ in self.filters.items():
                if callable(getattr(filter_, "queryset", None)):
                    raise ImproperlyConfigured(
                        f"{cls.__name__}.{name}: a queryset that depends on the request "
                        "needs django_filters.FilterSet, not this shared form class."
                    )
            built = super().get_form_class()
            form_class = cls._form_class = type(
                built.__name__, (SingleValueForm, OrderedRangeForm, built), {}
            )
        return form_class
