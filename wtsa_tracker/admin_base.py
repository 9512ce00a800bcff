"""What every admin page of the project shares (each app's ModelAdmin derives from it)."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class CheckedChangeList(ChangeList):
    """Django's change list, where a year no date can have in the address
    (``?start_date__year=99999999999999999999``) is a wrong parameter, as a
    misspelt one is: the list opens unfiltered and says so, not a server error.
    """

    def __init__(self, *args, **kwargs):
        try:
            super().__init__(*args, **kwargs)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class ModelAdmin(admin.ModelAdmin):
    def get_changelist(self, request, **kwargs):
        return CheckedChangeList
