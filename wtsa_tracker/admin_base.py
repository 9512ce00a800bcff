"""What every admin page of the project shares (each app's ModelAdmin derives from it)."""

import re
from collections import Counter

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models, router
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# A delete confirmation names each object the deletion would remove or that
# stops it, at a query or two per name: past this many it counts them by kind.
# A Bureau with 22,000 reports took minutes to name, past any web server's timeout.
DELETE_PAGE_NAMES = 100

_YEAR_OUT_OF_RANGE = re.compile(r"year -?\d+ is out of range")


class CheckedChangeList(ChangeList):
    """Django's change list, where a year no date can have in the address
    (``?start_date__year=99999999999999999999``, ``?created_at__year=10000``,
    ``…=0``) is a wrong parameter, as a misspelt one is: the list opens
    unfiltered and says so, not a server error.
    """

    def __init__(self, *args, **kwargs):
        try:
            super().__init__(*args, **kwargs)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error
        except ValueError as error:
            # Python's "year 10000 is out of range", raised compiling the lookup;
            # any other ValueError is a fault to see, not a wrong parameter.
            if not _YEAR_OUT_OF_RANGE.fullmatch(str(error)):
                raise
            raise IncorrectLookupParameters(error) from error


class _ReadableSelection:
    """An autocomplete box that, redrawing a form in error, looks up only the
    values its field can read: Django's filters the related rows by the value
    as posted, and a forged ``owner=abc`` was a server error, not a form error.
    """

    def optgroups(self, name, value, attr=None):
        related = self.field.remote_field
        target = related.model._meta.get_field(
            getattr(related, "field_name", None) or related.model._meta.pk.name
        )
        readable = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            readable.append(item)
        return super().optgroups(name, readable, attr)


class CheckedAutocompleteSelect(_ReadableSelection, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(_ReadableSelection, AutocompleteSelectMultiple):
    pass


class CheckedJSONField(forms.JSONField):
    """Django's JSON box, where text nested too deep to read (100,000 ``[``) is a
    form error, not the server error Python's reader raised on it."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except RecursionError:
            raise ValidationError(
                _("This JSON is nested too deeply to read."), code="invalid"
            ) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data)


class ModelAdmin(admin.ModelAdmin):
    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def get_deleted_objects(self, objs, request):
        """What deleting ``objs`` removes or is stopped by: named when few, else counted."""
        chosen = list(objs)
        if not chosen:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(self.model), origin=chosen)
        collector.collect(chosen)
        found = sum(len(rows) for rows in collector.model_objs.values()) + len(collector.protected)
        if found <= DELETE_PAGE_NAMES:
            return super().get_deleted_objects(chosen, request)
        perms_needed = set()
        for model, rows in collector.model_objs.items():
            if self.admin_site.is_registered(model):
                model_admin = self.admin_site.get_model_admin(model)
                if not all(model_admin.has_delete_permission(request, row) for row in rows):
                    perms_needed.add(model._meta.verbose_name)
        named = [f"{capfirst(obj._meta.verbose_name)}: {obj}" for obj in chosen[:DELETE_PAGE_NAMES]]
        if len(chosen) > DELETE_PAGE_NAMES:
            named.append(_("… %(count)s more") % {"count": f"{len(chosen) - DELETE_PAGE_NAMES:,}"})
        model_count = {
            model._meta.verbose_name_plural: len(rows)
            for model, rows in collector.model_objs.items()
        }
        protected = [
            ngettext("%(count)s %(name)s", "%(count)s %(names)s", count)
            % {
                "count": f"{count:,}",
                "name": model._meta.verbose_name,
                "names": model._meta.verbose_name_plural,
            }
            for model, count in Counter(type(obj) for obj in collector.protected).items()
        ]
        return named, model_count, perms_needed, protected

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField):
            kwargs = {"form_class": CheckedJSONField, **kwargs}
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
