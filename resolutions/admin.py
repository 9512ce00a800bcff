"""Back office for assemblies, resolutions and their clauses."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wtsa_tracker.admin_base import ModelAdmin

from .models import Assembly, Clause, Resolution, ResolutionReference


@admin.register(Assembly)
class AssemblyAdmin(ModelAdmin):
    list_display = ["code", "place", "start_date", "end_date"]
    search_fields = ["code", "name", "place"]
    date_hierarchy = "start_date"


class ClauseInline(admin.TabularInline):
    model = Clause
    extra = 0
    fields = ["order", "part", "verb", "label", "text", "is_withdrawn"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    ordering = ["order"]

    def has_add_permission(self, request, obj=None):
        return False


class ResolutionReferenceInline(admin.TabularInline):
    model = ResolutionReference
    extra = 0


@admin.register(Resolution)
class ResolutionAdmin(ModelAdmin):
    list_display = ["number", "title", "assembly", "marker", "imported_at"]
    list_display_links = ["number", "title"]
    list_filter = ["assembly", "marker"]
    search_fields = ["=number", "title", "overview"]
    list_select_related = ["assembly"]
    # Chosen by search: a list of every resolution reads thousands of rows.
    autocomplete_fields = ["assembly", "revises", "suppressed_by"]
    readonly_fields = ["source_hash", "imported_at"]
    inlines = [ResolutionReferenceInline, ClauseInline]


@admin.register(Clause)
class ClauseAdmin(ModelAdmin):
    list_display = ["__str__", "part", "verb", "label", "short_text", "is_withdrawn"]
    list_filter = ["resolution__assembly", "part", "verb", "is_withdrawn"]
    search_fields = ["text", "addressee", "=resolution__number"]
    list_select_related = ["resolution__assembly"]
    autocomplete_fields = ["resolution", "parent"]

    @admin.display(description=_("text"))
    def short_text(self, obj: Clause) -> str:
        return obj.text if len(obj.text) <= 100 else f"{obj.text[:99]}…"
